"""Story problems about amounts that change or are compared: a chain of gains and losses (two to
four operations), the difference between two amounts, amounts added together, the part of a
whole that is left, an amount scaled (`twice as many`), and ages (held out)."""

from __future__ import annotations

import random

from training.tasks.base import Drawn, Family, Kind
from training.tasks.render import ITEMS, chain, people, question
from training.tasks.stories_extra import (
    MORE_CHANGE_FAMILIES,
    MORE_COMBINED_FAMILIES,
    MORE_DIFFERENCE_FAMILIES,
    MORE_PART_OF_WHOLE_FAMILIES,
    MORE_SCALED_FAMILIES,
)

# --- a quantity that changes, one to three times after its start ---------------------------------

_EVENT_COUNTS, _EVENT_WEIGHTS = (1, 2, 3), (1, 3, 2)


def change_chain(rng: random.Random, family: Family, distractors: str) -> Drawn:
    values: dict[str, int | str] = people(rng, 2) | {"item": rng.choice(family.phrases.get("item", ITEMS))}
    total = start = rng.randint(8, 90)
    steps, clauses, used = [], [], set()
    for index in range(rng.choices(_EVENT_COUNTS, _EVENT_WEIGHTS)[0]):
        if total > 3 and rng.random() < 0.5:
            n, op, kind = rng.randint(1, min(total - 1, 40)), "-", "loss"
        else:
            n, op, kind = rng.randint(2, 40), "+", "gain"
        total += n if op == "+" else -n
        steps.append((op, n))
        values[f"n{index}"] = n
        phrase = rng.choice([p for p in family.phrases[kind] if p not in used] or family.phrases[kind])  # no verb twice
        used.add(phrase)
        clauses.append(phrase.replace("{n}", f"{{n{index}}}"))
    values["a"] = start
    first, later = rng.choice(family.phrases["subject"]).split("/")
    template = rng.choice(family.templates)
    template = template.replace("{events}", _events(rng, first, later, clauses)).replace("{inline}", _inline(clauses))
    return Drawn(question(template, values, rng, distractors), program=chain(start, steps))


def _inline(clauses: list[str]) -> str:
    """`c1`, `c1 and then c2`, `c1, c2 and then c3`."""
    if len(clauses) == 1:
        return clauses[0]
    return ", ".join(clauses[:-1]) + " and then " + clauses[-1]


def _events(rng: random.Random, first: str, later: str, clauses: list[str]) -> str:
    """The clauses as one sentence or as several (`Then ...`, `After that, ...`)."""
    if rng.random() < 0.5:
        return f"{first} {_inline(clauses)}.".strip()
    links = ["", "Then", "After that,", "Later,"]
    sentences = [f"{links[min(i, 3)]} {first if i == 0 else later} {clause}.".strip() for i, clause in enumerate(clauses)]
    return " ".join(sentence.replace("  ", " ") for sentence in sentences)


def _change_family(name: str, split: str, templates: tuple[str, ...], **phrases: tuple[str, ...]) -> Family:
    return Family(name, split, templates, phrases)


CHANGE = Kind("change", change_chain, weight=3, families=(
    _change_family(
        "person-present", "train",
        ("{name} has {a} {item}. {events} | How many {item} does {name} have now?",
         "{name} has {a} {item}. {events} | How many {item} does {name} have in the end?",
         "If {name} has {a} {item} and {inline}, how many {item} does {he} have?"),
        subject=("{He}/{he}", "{name}/{he}"),
        gain=("buys {n} more", "gets {n} more from a friend", "finds {n} more", "is given {n} more", "wins {n} more",
              "receives {n} more", "picks up {n} more", "gets another {n}", "makes {n} more"),
        loss=("gives away {n}", "loses {n}", "gives {n} to {his} sister", "sells {n}", "trades away {n}",
              "uses {n}", "throws away {n}", "breaks {n}", "hands out {n}", "donates {n}", "eats {n}")),
    _change_family(
        "person-past", "train",
        ("{name} had {a} {item}. {events} | How many {item} does {name} have now?",
         "{name} had {a} {item}. {events} | How many {item} did {name} have at the end?",
         "{name} started the week with {a} {item}. {events} | How many {item} were left?"),
        subject=("{He}/{he}", "{name}/{he}"),
        gain=("bought {n} more", "got {n} more", "found {n}", "received {n} as a gift", "collected {n} more",
              "was given {n}", "won {n}", "made {n} more", "picked up another {n}"),
        loss=("gave away {n}", "lost {n}", "sold {n}", "used {n}", "gave {n} to {name2}", "ate {n}", "broke {n}",
              "threw away {n}", "handed out {n}", "spent {n}", "donated {n}")),
    _change_family(
        "bakery", "train",
        ("A bakery bakes {a} {item} in the morning. {events} | How many {item} does the bakery have now?",
         "The baker has {a} {item} on the shelf. {events} | How many {item} are on the shelf?",
         "A bakery makes {a} {item}. {events} | How many {item} are left?"),
        item=("rolls", "muffins", "loaves", "cakes", "pies", "buns", "bagels"),
        subject=("It/it", "The bakery/it"),
        gain=("bakes {n} more", "makes another {n}", "bakes {n} more later", "bakes a new batch of {n}"),
        loss=("sells {n}", "gives {n} to a shelter", "sells {n} before noon", "throws away {n} burnt ones",
              "sends {n} to a cafe")),
    _change_family(
        "bus", "train",
        ("There are {a} people on a bus. {events} | How many people are on the bus now?",
         "A bus leaves the station with {a} passengers. {events} | How many passengers are on the bus?",
         "A train carries {a} people. {events} | How many people are on the train now?"),
        subject=("/",),
        gain=("{n} people get on", "{n} more passengers board", "{n} people get on at the next stop",
              "{n} more people climb aboard", "another {n} get in"),
        loss=("{n} people get off", "{n} passengers leave", "{n} people get off at a stop", "{n} of them step off",
              "{n} go home")),
    _change_family(
        "money", "train",
        ("{name} has {a} dollars. {events} | How much money does {name} have now?",
         "{name} has ${a} in a wallet. {events} | How many dollars does {name} have left?",
         "{name} has {a} dollars in a piggy bank. {events} | How many dollars are in the piggy bank?"),
        subject=("{He}/{he}", "{name}/{he}"),
        gain=("earns {n} dollars", "gets {n} dollars from {his} aunt", "saves another {n} dollars", "adds {n} dollars",
              "is paid {n} dollars", "finds {n} dollars", "wins {n} dollars"),
        loss=("spends {n} dollars on lunch", "pays {n} dollars for a book", "spends ${n}", "takes out {n} dollars",
              "buys a toy for {n} dollars", "gives {n} dollars to charity", "loses {n} dollars")),
    _change_family(
        "score", "train",
        ("{name} has {a} points in a game. {events} | What is {name}'s score now?",
         "In a quiz {name} has {a} points. {events} | How many points does {name} have?"),
        subject=("{He}/{he}", "{name}/{he}"),
        gain=("wins {n} points", "scores {n} more", "gets {n} bonus points"),
        loss=("loses {n} points", "gets a penalty of {n} points", "drops {n} points")),
    _change_family(
        "parking", "train",
        ("A parking lot has {a} cars. {events} | How many cars are in the parking lot now?",
         "There are {a} cars in a car park. {events} | How many cars are there now?"),
        subject=("/",),
        gain=("{n} more cars arrive", "{n} cars park", "{n} cars drive in", "{n} more pull in"),
        loss=("{n} cars leave", "{n} cars drive away", "{n} cars drive out", "{n} of them go home")),
    _change_family(
        "library", "train",
        ("A library has {a} books. {events} | How many books does the library have now?",
         "A school library owns {a} books. {events} | How many books are in the library?"),
        subject=("It/it", "The library/it"),
        gain=("buys {n} new books", "gets {n} books as a gift", "receives {n} more books"),
        loss=("gives away {n} old books", "loses {n} books", "throws out {n} damaged books")),
    _change_family(
        "pond", "validation",
        ("There are {a} ducks on a pond. {events} | How many ducks are on the pond now?",
         "{a} geese are swimming in a lake. {events} | How many geese are in the lake?"),
        subject=("/",),
        gain=("{n} more land on the water", "{n} more swim over", "another {n} join them"),
        loss=("{n} fly away", "{n} swim off", "{n} leave for the river")),
    _change_family(
        "hall", "validation",
        ("At first there were {a} children in the hall. {events} | How many children were in the hall at the end?",
         "At the start of the party {a} guests were in the room. {events} | How many guests were in the room then?"),
        subject=("/",),
        gain=("{n} more came in", "{n} arrived late", "another {n} walked in"),
        loss=("{n} went home", "{n} left", "{n} went outside")),
    _change_family(
        "warehouse", "test",
        ("A warehouse stores {a} boxes. {events} | How many boxes are in the warehouse now?",
         "A storeroom holds {a} crates. {events} | How many crates does the storeroom hold now?"),
        subject=("/",),
        gain=("a truck delivers {n} more", "{n} more are brought in", "a supplier sends {n}"),
        loss=("{n} are shipped out", "{n} are loaded onto a lorry", "{n} are sent to a shop")),
    _change_family(
        "harvest", "test",
        ("In the morning {name} picked {a} {item}. {events} | How many {item} does {name} have left?",
         "{name} collected {a} {item} on a walk. {events} | How many {item} does {name} still have?"),
        item=("strawberries", "plums", "cherries", "mushrooms", "shells", "pine cones"),
        subject=("{He}/{he}", "{name}/{he}"),
        gain=("picked {n} more in the afternoon", "was handed {n} by a neighbour", "gathered another {n}"),
        loss=("ate {n}", "shared {n} with friends", "dropped {n} on the way home")),
) + MORE_CHANGE_FAMILIES)

# --- how much more one amount is than another ---------------------------------------------------


def difference(rng: random.Random, family: Family, distractors: str) -> Drawn:
    small = rng.randint(3, 70)
    large = small + rng.randint(2, 60)
    values: dict[str, int | str] = people(rng, 2) | {"item": rng.choice(ITEMS), "a": small, "b": large}
    return Drawn(question(rng.choice(family.templates), values, rng, distractors), program=f"{large}-{small}")


DIFFERENCE = Kind("difference", difference, weight=2, families=(
    Family("how-many-more", "train", (
        "{name} has {a} {item}. {name2} has {b} {item}. | How many more {item} does {name2} have than {name}?",
        "{name2} has {b} {item} and {name} has {a}. | How many fewer {item} does {name} have than {name2}?",
        "{name} has {a} {item} and {name2} has {b} {item}. | How many more does {name2} have?",
        "{name2} scored {b} points in a game and {name} scored {a}. | How many more points did {name2} score?",
        "{name} caught {a} fish and {name2} caught {b}. | How many fewer fish did {name} catch?",
        "{name2} has {b} {item}, {name} has {a}. | What is the difference between their numbers of {item}?")),
    Family("heights", "train", (
        "{name} is {a} cm tall and {name2} is {b} cm tall. | How much taller is {name2} than {name}?",
        "A tree is {b} meters tall. A house next to it is {a} meters tall. | How much taller is the tree?",
        "A blue rope is {b} cm long and a red rope is {a} cm long. | How much longer is the blue rope?",
        "{name2} weighs {b} kg and {name} weighs {a} kg. | How much heavier is {name2}?",
        "{name2} is {b} years old and {name} is {a}. | How many years older is {name2}?")),
    Family("still-needed", "train", (
        "{name} wants to collect {b} {item}. {He} has {a} so far. | How many more {item} does {name} need?",
        "{name} needs {b} dollars for a bike and has saved {a} dollars. | How much more does {he} need to save?",
        "A book has {b} pages. {name} has read {a} pages. | How many pages are left to read?",
        "A trail is {b} km long. {name} has walked {a} km. | How many kilometres are left?")),
    Family("contest", "validation", (
        "{name} scored {b} points and {name2} scored {a}. | By how many points did {name} win?",
        "In a race {name} ran {b} laps while {name2} ran {a} laps. | How many laps more did {name} run?")),
    Family("gap", "test", (
        "{name} is {b} years old. {name2} is {a}. | How much older is {name}?",
        "The red team collected {a} cans and the blue team collected {b}. | What is the difference between the two teams?")),
) + MORE_DIFFERENCE_FAMILIES)

# --- amounts added together (and then a change), and the part of a whole that is left ------------


def combined(rng: random.Random, family: Family, distractors: str) -> Drawn:
    template = rng.choice(family.templates)
    values: dict[str, int | str] = people(rng, 3) | {"item": rng.choice(ITEMS)}
    parts = [rng.randint(2, 60) for _ in range(3 if "{c}" in template else 2)]
    values |= dict(zip("abc", parts))
    steps = [("+", n) for n in parts[1:]]
    change = rng.choice(family.phrases.get("change", ("",)))
    if change:
        op = "+" if change in family.phrases["more"] else "-"
        values["d"] = rng.randint(1, sum(parts) - 1) if op == "-" else rng.randint(1, 30)
        steps.append((op, values["d"]))
    template = template.replace("{change}", change)
    return Drawn(question(template, values, rng, distractors), program=chain(parts[0], steps))


COMBINED = Kind("combined", combined, weight=2, families=(
    Family("together", "train", (
        "{name} picks {a} {item} and {name2} picks {b}. | How many {item} do they pick together?",
        "{name} has {a} {item} and {name2} has {b} {item}. | How many {item} do they have altogether?",
        "{name} collected {a} {item}, {name2} collected {b} and {name3} collected {c}. | How many {item} did they collect in all?")),
    Family("farm", "train", (
        "A farm has {a} cows, {b} pigs and {c} goats. | How many animals are on the farm?",
        "There are {a} red cars and {b} blue cars in a car park. | How many cars are there?",
        "A zoo has {a} monkeys and {b} parrots. | How many animals is that?")),
    Family("over-a-day", "train", (
        "{name} walks {a} km on Monday and {b} km on Tuesday. | How far does {he} walk in total?",
        "{name} read {a} pages in the morning, {b} in the afternoon and {c} at night. | How many pages did {he} read that day?",
        "A baker sells {a} loaves before lunch and {b} after lunch. | How many loaves does the baker sell?")),
    Family("then-change", "train", (
        "There are {a} boys and {b} girls on a bus.{change} | How many children are on the bus now?",
        "A pond has {a} ducks and {b} swans.{change} | How many birds are on the pond now?"),
        {"change": ("", " Then {d} of them leave.", " Later {d} of them go away.", " Then {d} more come."),
         "more": (" Then {d} more come.",)}),
    Family("two-days", "validation", (
        "A shop sold {a} hats on Friday and {b} on Saturday. | How many hats did it sell over the two days?",
        "A basket holds {a} apples, {b} pears and {c} plums. | How many pieces of fruit are in the basket?")),
    Family("room", "test", (
        "In a classroom there are {a} desks by the window and {b} by the door. | How many desks are in the classroom?",
        "The first shelf holds {a} jars, the second {b} and the third {c}. | How many jars are on the three shelves?")),
) + MORE_COMBINED_FAMILIES)


def part_of_whole(rng: random.Random, family: Family, distractors: str) -> Drawn:
    template = rng.choice(family.templates)
    parts = [rng.randint(2, 40) for _ in range(2 if "{c}" in template else 1)]
    whole = sum(parts) + rng.randint(1, 40)
    values: dict[str, int | str] = people(rng, 1) | {"a": whole} | dict(zip("bc", parts))
    return Drawn(question(template, values, rng, distractors), program=chain(whole, [("-", n) for n in parts]))


PART_OF_WHOLE = Kind("part-of-whole", part_of_whole, weight=2, families=(
    Family("class", "train", (
        "A class has {a} students and {b} of them are girls. | How many are boys?",
        "Of the {a} students in a class, {b} are boys. | How many girls are there?",
        "A club has {a} members. {b} of them are adults. | How many members are children?")),
    Family("the-rest", "train", (
        "A box has {a} fruits. {b} are apples and the rest are oranges. | How many oranges are there?",
        "{name} has {a} marbles. {b} are red, {c} are blue and the rest are green. | How many green marbles does {name} have?",
        "There are {a} flowers in a garden: {b} are roses and the others are tulips. | How many tulips are there?")),
    Family("not-done", "train", (
        "A road is {a} km long and {b} km of it is paved. | How many kilometres are not paved?",
        "{name} has {a} homework questions and has answered {b} of them. | How many are left to answer?",
        "A jar holds {a} sweets. {b} are lemon, {c} are cherry and the others are mint. | How many are mint?")),
    Family("audience", "validation", (
        "{a} people went to a concert and {b} of them were children. | How many adults went?",
        "A parking lot has {a} cars: {b} are white, {c} are black and the rest are grey. | How many grey cars are there?")),
    Family("season", "test", (
        "A team played {a} games this season and won {b} of them. | How many games did the team not win?",
        "In a bag of {a} beads, {b} are glass, {c} are wood and the others are plastic. | How many plastic beads are in the bag?")),
) + MORE_PART_OF_WHOLE_FAMILIES)

# --- one amount a few times another ----------------------------------------------------------

_TIMES = (("twice", "*2"), ("three times", "*3"), ("four times", "*4"), ("five times", "*5"), ("half", "/2"))


def scaled(rng: random.Random, family: Family, distractors: str) -> Drawn:
    words, scale = rng.choice(_TIMES)
    base = rng.randrange(4, 60, 2) if scale == "/2" else rng.randint(2, 40)
    values: dict[str, int | str] = people(rng, 2) | {"item": rng.choice(ITEMS), "a": base, "times": words}
    template = rng.choice(family.templates)
    program = f"{base}{scale}"
    if "together" in template or "in all" in template:
        program = f"{base}+{base}{scale}"
    return Drawn(question(template, values, rng, distractors), program=program)


SCALED = Kind("scaled", scaled, families=(
    Family("as-many", "train", (
        "{name} has {a} {item}. {name2} has {times} as many. | How many {item} does {name2} have?",
        "{name} has {a} {item} and {name2} has {times} as many. | How many {item} do they have together?")),
    Family("boxes", "train", (
        "A small box holds {a} crayons. A big box holds {times} as many. | How many crayons does the big box hold?",
        "A red jar has {a} sweets and a blue jar has {times} as many. | How many sweets are in the blue jar?")),
    Family("distance", "train", (
        "{name} ran {a} km on Monday and {times} as far on Tuesday. | How far did {name} run on Tuesday?",
        "{name} read {a} pages yesterday and {times} as many today. | How many pages did {he} read in all?")),
    Family("shelves", "validation", (
        "One shelf has {a} books. The next shelf has {times} as many books. | How many books are on the next shelf?",
        "A cat sleeps {a} hours and a dog sleeps {times} as long. | How many hours does the dog sleep?")),
    Family("savings", "test", (
        "{name} saved {a} dollars in May and {times} as much in June. | How much did {name} save in June?",
        "There are {a} boys in a club and {times} as many girls. | How many children are in the club together?")),
) + MORE_SCALED_FAMILIES)

# --- ages, held out as a whole kind: a scaled amount that then changes -----------------------


def ages(rng: random.Random, family: Family, distractors: str) -> Drawn:
    values: dict[str, int | str] = people(rng, 1) | {"a": rng.randint(3, 15), "c": rng.randint(2, 12)}
    template = rng.choice(family.templates)
    if "times" in template:
        values["k"] = rng.randint(2, 5)
        values["c"] = rng.randint(2, min(12, values["a"] * values["k"] - 1))  # never born yet
        program = f"{values['a']}*{values['k']}{'+' if 'in {c}' in template else '-'}{values['c']}"
    else:
        values["a"] = rng.randint(20, 60)
        values["b"] = rng.randint(2, 15)
        program = f"{values['a']}-{values['b']}+{values['c']}"
    return Drawn(question(template, values, rng, distractors), program=program)


AGES = Kind("ages", ages, held_out="test", families=(
    Family("parent", "test", (
        "{name} is {a} years old. {His} mother is {k} times as old. | How old will {his} mother be in {c} years?",
        "{name} is {a}. {His} grandfather is {k} times as old as {him}. | How old was the grandfather {c} years ago?")),
    Family("younger", "test", (
        "{name} is {a} years old. {His} cousin is {b} years younger. | How old will the cousin be in {c} years?",)),
))
