"""SQL INSERT rows written in Python strings, bound value by value to their columns."""

from codepatch.analysis.sql_rows import sql_row_bindings
from codepatch.files.parse import new_parser


def bindings(source: str) -> list[tuple[str, str, int]]:
    root = new_parser().parse(source.encode()).root_node
    return [(column, value, node.start_point[0] + 1 + lines_in) for column, value, node, lines_in in sql_row_bindings(root)]


def test_a_column_list_binds_each_quoted_value_of_each_row() -> None:
    source = "db.execute(\"INSERT INTO users (name, role, password) VALUES ('root', 'admin', 'to''or'), (?, 'user', ?)\")\n"
    assert bindings(source) == [("name", "root", 1), ("role", "admin", 1), ("password", "to'or", 1),
                                ("role", "user", 1)]


def test_without_a_column_list_the_columns_come_from_create_table_in_the_module() -> None:
    source = (
        'c.execute("""CREATE TABLE IF NOT EXISTS "Users" (id INTEGER PRIMARY KEY, username TEXT,\n'
        '    password TEXT, PRIMARY KEY (id), CHECK (length(password) > 0))""")\n'
        "c.execute(\"insert into users values (1, 'admin', 'S3cret!')\")\n"
    )
    assert bindings(source) == [("username", "admin", 3), ("password", "S3cret!", 3)]


def test_an_insert_of_an_unknown_table_or_with_placeholders_binds_nothing() -> None:
    assert bindings("c.execute(\"INSERT INTO logs VALUES ('seed', 'password policy')\")\n") == []
    assert bindings("c.execute('INSERT INTO users (name, password) VALUES (%s, %s)', row)\n") == []
    assert bindings("x = 'nothing to insert here'\n") == []


def test_a_script_binds_the_rows_of_each_insert_on_the_line_it_starts() -> None:
    source = (
        'db.executescript("""\n'
        "    CREATE TABLE staff (id INTEGER PRIMARY KEY, login TEXT, password TEXT);\n"
        "    CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n"
        "    -- default accounts; change them\n"
        "    INSERT INTO staff VALUES (1, 'admin', 'adm;in');\n"
        "    INSERT INTO notes VALUES (1, 'hello');\n"
        '""")\n'
    )
    assert bindings(source) == [("login", "admin", 5), ("password", "adm;in", 5), ("body", "hello", 6)]
