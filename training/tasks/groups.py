"""Problems about equal groups: so many groups of so many (and a few extra or fewer), sharing out
equally (with any remainder stated), two kinds of group added up; and, held out as whole kinds,
what is left after filling groups, an average, and pooling before sharing."""

from __future__ import annotations

import random

from training.tasks.base import Drawn, Family, Kind
from training.tasks.render import ITEMS, people, question


def _values(rng: random.Random, **numbers: int) -> dict[str, int | str]:
    return people(rng, 2) | {"item": rng.choice(ITEMS)} | numbers


# --- so many groups of so many, maybe with a few more or fewer -----------------------------------


def groups(rng: random.Random, family: Family, distractors: str) -> Drawn:
    a, b, c = rng.randint(2, 12), rng.randint(2, 15), rng.randint(1, 20)
    template = rng.choice(family.templates)
    extra = rng.choice(family.phrases["extra"] + family.phrases["fewer"] + ("", ""))
    if extra in family.phrases["fewer"]:
        c = rng.randint(1, a * b - 1)
    template = template.replace("{extra}", extra)
    # the program names the numbers in the order the question says them
    product = f"{b}*{a}" if template.index("{b}") < template.index("{a}") else f"{a}*{b}"
    program = product + ("" if not extra else ("-" if extra in family.phrases["fewer"] else "+") + str(c))
    return Drawn(question(template, _values(rng, a=a, b=b, c=c), rng, distractors), program=program)


GROUPS = Kind("groups", groups, weight=2, families=(
    Family("boxes", "train", (
        "{name} has {a} boxes with {b} {item} in each.{extra} | How many {item} does {name} have?",
        "{name} buys {a} packs of {b} {item}.{extra} | How many {item} does {name} have now?",
        "{name} has {a} bags and each bag holds {b} {item}.{extra} | How many {item} are there in total?"),
        {"extra": (" {He} also has {c} loose {item}.", " {He} finds {c} more.", " {name2} gives {him} {c} more."),
         "fewer": (" {He} gives away {c} of them.", " {c} of them get lost.", " {He} eats {c}.")}),
    Family("rows", "train", (
        "A hall has {a} rows of chairs with {b} chairs in each row.{extra} | How many chairs are there?",
        "A garden has {a} rows with {b} plants in every row.{extra} | How many plants are in the garden?",
        "In a cinema there are {a} rows of {b} seats.{extra} | How many seats are there?"),
        {"extra": (" There are also {c} extra ones at the back.", " {c} more are added later."),
         "fewer": (" {c} of them are broken and taken away.", " Then {c} are removed.")}),
    Family("teams", "train", (
        "{a} teams of {b} players come to a tournament.{extra} | How many people come?",
        "A school sends {a} buses with {b} students on each.{extra} | How many people travel?"),
        {"extra": (" {c} coaches come with them.", " {c} teachers go too."), "fewer": ()}),
    Family("per-day", "train", (
        "{name} reads {b} pages every day for {a} days.{extra} | How many pages does {name} read?",
        "Each shelf holds {b} books and there are {a} shelves.{extra} | How many books are there?",
        "A hen lays {b} eggs a week. | How many eggs do {a} hens lay in a week?"),
        {"extra": (), "fewer": ()}),
    Family("floors", "validation", (
        "A parking garage has {a} floors with {b} cars on each floor.{extra} | How many cars are parked there?",
        "In a car park there are {a} levels, and each level has {b} cars.{extra} | How many cars are in the car park?"),
        {"extra": (" {c} more cars are parked on the roof.",), "fewer": (" Then {c} cars drive away.",)}),
    Family("vans", "test", (
        "{a} vans each carry {b} people to the beach.{extra} | How many people go to the beach?",
        "{a} minibuses take {b} fans each to the match.{extra} | How many fans go to the match?"),
        {"extra": (" Another {c} walk there.",), "fewer": ()}),
    Family("classroom-each", "train", (
        "A classroom has {a} tables, and {b} pupils sit at each one.{extra} | How many pupils are there altogether?",
        "Each of the {a} shelves in a classroom holds {b} books.{extra} | How many books are on the shelves?",
        "A teacher has {a} boxes of pencils with {b} pencils per box.{extra} | How many pencils does the teacher have now?"),
        {"extra": (" Another {c} are brought in later.",), "fewer": (" Then {c} of them are taken away.",)}),
    Family("bought-past", "train", (
        "Last week {name} bought {a} packets of {item}, and every packet had {b} {item} in it.{extra} | How many {item} did {name} end up with?",
        "{name} picked {a} baskets of apples with {b} apples in each basket.{extra} | How many apples did {he} have altogether?",
        "{name} filled {a} jars with {b} {item} apiece.{extra} | How many {item} did {he} have in total?"),
        {"extra": (" {He} also got {c} more from {name2}.", " Later {he} found {c} more."),
         "fewer": (" {He} gave {c} of them away.", " Sadly, {c} of them were lost.")}),
    Family("per-unit", "train", (
        "Each pack has {b} {item}. | How many {item} are in {a} packs?",
        "{b} {item} per box, {a} boxes. | How many {item} altogether?",
        "A carton holds {b} eggs. | How many eggs are in {a} full cartons?",
        "Calculate the number of {item} in {a} bags if every bag holds {b}.",
        "How many {item} do {a} children have if each child has {b}?"),
        {"extra": (), "fewer": ()}),
    Family("kitchen", "train", (
        "A baker fills {a} trays with {b} muffins each.{extra} | How many muffins are there now?",
        "{name} makes {a} plates of sandwiches, with {b} sandwiches on every plate.{extra} | How many sandwiches are there now?",
        "For a party {name} puts {b} cookies into each of {a} bags.{extra} | How many cookies are there now?"),
        {"extra": (" There are {c} extra ones on a side plate.", " {name2} brings {c} more."),
         "fewer": (" {c} of them get eaten straight away.", " {name2} takes {c} of them home.")}),
))

# --- sharing out equally; a remainder, when there is one, is stated ----------------------------


def sharing(rng: random.Random, family: Family, distractors: str) -> Drawn:
    b, each = rng.randint(2, 12), rng.randint(2, 15)
    template = rng.choice(family.templates)
    if "{c}" in template:
        c = rng.randint(1, b - 1) if b > 2 else 1
        program, a = f"({b * each + c}-{c})/{b}", b * each + c
    else:
        c, program, a = 0, f"{b * each}/{b}", b * each
    return Drawn(question(template, _values(rng, a=a, b=b, c=c), rng, distractors), program=program)


SHARING = Kind("sharing", sharing, weight=2, families=(
    Family("friends", "train", (
        "{name} shares {a} {item} equally among {b} friends. | How many {item} does each friend get?",
        "{a} {item} are shared equally by {b} children. | How many does each child get?",
        "{name} shares {a} {item} equally among {b} friends, and {c} are left over. | How many {item} does each friend get?",
        "{b} friends share {a} {item} equally. | How many {item} does each friend get?",
        "{b} children share {a} {item} so that each gets the same number. | How many does each child get?")),
    Family("groups-of", "train", (
        "{a} students are split into groups of {b}. | How many groups are there?",
        "{name} packs {a} {item} into bags of {b}. | How many bags does {he} fill?",
        "{a} eggs are packed in boxes of {b}, with {c} eggs left over. | How many boxes are full?",
        "{name} has {a} {item} and puts {b} in each box. | How many boxes does {he} need?",
        "How many bags of {b} can {name} fill with {a} {item}?")),
    Family("cut", "train", (
        "A ribbon {a} cm long is cut into {b} equal pieces. | How long is each piece?",
        "A {a} meter rope is cut into {b} pieces of the same length. | How long is each piece?",
        "{name} cuts a {a} cm stick into {b} equal parts and a {c} cm bit is left. | How long is each part?")),
    Family("tables", "validation", (
        "A teacher puts {a} pencils equally on {b} tables. | How many pencils go on each table?",
        "A teacher hands out {a} pencils equally to {b} tables and keeps the {c} that are left. | How many pencils does each table get?")),
    Family("jugs", "test", (
        "{a} liters of juice are poured equally into {b} jugs. | How much juice is in each jug?",
        "A farmer plants {a} trees in {b} equal rows, and {c} trees do not fit in any row. | How many trees are in each row?")),
    Family("school-teams", "train", (
        "A teacher has {a} stickers to give to {b} pupils, the same number each. | How many stickers does each pupil get?",
        "{a} pupils are divided into {b} equal teams. | How many pupils are on each team?",
        "{a} pupils are put into {b} equal teams and {c} pupils are left over to keep score. | How many pupils are on each team?",
        "The PE teacher puts {a} balls into {b} baskets, the same number in every basket. | How many balls go in each basket?")),
    Family("split-the-bill", "train", (
        "{b} friends split a bill of {a} dollars equally. | How much does each friend pay?",
        "{a} dollars of prize money is shared evenly among {b} winners. | How much does each winner get?",
        "{name} puts {a} dollars into {b} envelopes, the same amount in each, and has {c} dollars left over. | How much is in each envelope?",
        "A taxi fare of {a} dollars is split equally between {b} people. | What does each person pay?")),
    Family("plates-and-baskets", "train", (
        "{a} cookies are placed on {b} plates, the same number on every plate. | How many cookies are on each plate?",
        "A baker packs {a} rolls into {b} baskets with the same number in each, and {c} rolls are left on the counter. | How many rolls are in each basket?",
        "A bar of chocolate weighing {a} grams is broken into {b} equal pieces. | How many grams is each piece?",
        "{name} has {a} strawberries to put on {b} cakes, the same number on each. | How many strawberries go on each cake?")),
    Family("work-out-how-many", "train", (
        "Work out how many teams of {b} can be made from {a} players.",
        "{a} {item} are put into bags with {b} in each. | How many bags are needed?",
        "Find how many {item} each of {b} children gets if {a} {item} are shared out equally.",
        "{a} {item} are packed {b} to a bag and {c} are left over. | How many full bags are there?",
        "Calculate how many cars are needed to take {a} children on a trip if each car takes {b} children and every car is full.")),
))

# --- two kinds of group added up ---------------------------------------------------------------


def two_groups(rng: random.Random, family: Family, distractors: str) -> Drawn:
    a, b, c, d = rng.randint(2, 9), rng.randint(2, 12), rng.randint(2, 9), rng.randint(2, 12)
    values = _values(rng, a=a, b=b, c=c, d=d)
    return Drawn(question(rng.choice(family.templates), values, rng, distractors), program=f"{a}*{b}+{c}*{d}")


TWO_GROUPS = Kind("two-groups", two_groups, families=(
    Family("shopping", "train", (
        "{name} buys {a} pens at {b} dollars each and {c} notebooks at {d} dollars each. | How much does {he} spend?",
        "{name} orders {a} sandwiches for {b} dollars each and {c} drinks for {d} dollars each. | What is the total cost?")),
    Family("seating", "train", (
        "A theater has {a} rows of {b} seats and {c} rows of {d} seats. | How many seats does it have?",
        "{name} has {a} boxes of {b} {item} and {c} bags of {d} {item}. | How many {item} does {name} have?")),
    Family("stalls", "validation", (
        "A fruit stall sells {a} baskets of {b} plums and {c} crates of {d} pears. | How many pieces of fruit does it sell?",)),
    Family("classes", "test", (
        "{a} classes have {b} pupils each and {c} classes have {d} pupils each. | How many pupils are there?",)),
    Family("cafe-bill", "train", (
        "At a cafe {name} orders {a} coffees at {b} dollars each and {c} muffins at {d} dollars each. | What is the bill?",
        "Tickets to a show: {a} adult tickets at {b} dollars each and {c} child tickets at {d} dollars each. | How much do the tickets cost altogether?",
        "{name} pays for {a} burgers costing {b} dollars apiece and {c} juices costing {d} dollars apiece. | How much does {he} pay in total?")),
    Family("tables-and-shelves", "train", (
        "A school hall has {a} tables that seat {b} children each and {c} tables that seat {d} children each. | How many children can sit down?",
        "On sports day there are {a} relay teams of {b} runners and {c} teams of {d} jumpers. | How many children take part?",
        "A bookcase has {a} shelves with {b} books on each and {c} shelves with {d} books on each. | How many books does it hold?")),
    Family("worked-out", "train", (
        "Last month {name} worked {a} days of {b} hours and {c} days of {d} hours. | How many hours did {he} work?",
        "{name} bought {a} packs of {b} {item} and {c} packs of {d} {item}. | Work out how many {item} {he} bought.",
        "Calculate the total cost of {a} tickets at {b} dollars each and {c} tickets at {d} dollars each.",
        "Find the number of eggs in {a} boxes of {b} and {c} boxes of {d}.")),
))

# --- held out as whole kinds ---------------------------------------------------------------------


def leftover(rng: random.Random, family: Family, distractors: str) -> Drawn:
    b, c = rng.randint(2, 9), rng.randint(2, 12)
    a = b * c + rng.randint(1, 30)
    values = _values(rng, a=a, b=b, c=c)
    return Drawn(question(rng.choice(family.templates), values, rng, distractors), program=f"{a}-{b}*{c}")


LEFTOVER = Kind("leftover", leftover, held_out="validation", families=(
    Family("boxes", "validation", (
        "{name} has {a} eggs and fills {b} boxes with {c} eggs each. | How many eggs are left?",
        "A shop has {a} cans of soup. It puts {c} cans on each of {b} shelves. | How many cans are not on a shelf?",
        "{name} has {a} dollars and buys {b} tickets at {c} dollars each. | How much money is left?")),
))


def average(rng: random.Random, family: Family, distractors: str) -> Drawn:
    count = rng.choice((2, 3, 4))
    numbers = [rng.randint(2, 40) for _ in range(count - 1)]
    low = sum(numbers) // count + 1  # the mean is at least this, so the last number is positive
    numbers.append(count * rng.randint(low, low + 20) - sum(numbers))
    listed = ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
    template = rng.choice(family.templates)
    values: dict[str, int | str] = people(rng, 1) | {"numbers": listed, "count": str(count)}
    program = "(" + "+".join(str(n) for n in numbers) + f")/{count}"
    return Drawn(question(template, values, rng, distractors), program=program)


AVERAGE = Kind("average", average, held_out="validation", families=(
    Family("mean", "validation", (
        "What is the average of {numbers}?",
        "{name} scored {numbers} points in {count} games. | What was {his} average score?",
        "The temperatures on {count} days were {numbers} degrees. | What was the mean temperature?")),
))


def pooled_sharing(rng: random.Random, family: Family, distractors: str) -> Drawn:
    c, each = rng.randint(2, 8), rng.randint(2, 12)
    a = rng.randint(2, c * each - 2)
    values = _values(rng, a=a, b=c * each - a, c=c)
    return Drawn(question(rng.choice(family.templates), values, rng, distractors), program=f"({a}+{c * each - a})/{c}")


POOLED = Kind("pooled-sharing", pooled_sharing, held_out="test", families=(
    Family("together", "test", (
        "{name} has {a} {item} and {name2} has {b}. They put them together and share them equally among {c} friends. | How many does each friend get?",
        "One class collects {a} cans and another collects {b}. The cans are packed equally into {c} bags. | How many cans go in each bag?")),
))
