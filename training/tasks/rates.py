"""Rates and units: a price, speed or wage times an amount (and the change from a payment), and
the facts of everyday units (60 minutes in an hour, 4 legs on a dog, 3 wheels on a tricycle)
that a question leaves unsaid."""

from __future__ import annotations

import random

from training.tasks.base import Drawn, Family, Kind
from training.tasks.render import people, question

# --- so much per one, times how many ----------------------------------------------------------


def rate(rng: random.Random, family: Family, distractors: str) -> Drawn:
    template = rng.choice(family.templates)
    r, n = rng.randint(2, 60), rng.randint(2, 12)
    values: dict[str, int | str] = people(rng, 1) | {"r": r, "n": n, "thing": rng.choice(family.phrases["thing"])}
    product = f"{n}*{r}" if template.index("{n}") < template.index("{r}") else f"{r}*{n}"
    if "{paid}" in template:  # change from a round payment
        r = values["r"] = rng.randint(2, 15)
        product = f"{n}*{r}" if template.index("{n}") < template.index("{r}") else f"{r}*{n}"
        values["paid"] = paid = rng.choice([p for p in (10, 20, 50, 100) if p > r * n] or [200])
        return Drawn(question(template, values, rng, distractors), program=f"{paid}-{product}")
    return Drawn(question(template, values, rng, distractors), program=product)


RATE = Kind("rate", rate, weight=2, families=(
    Family("price", "train", (
        "One {thing} costs {r} dollars. | How much do {n} {thing}s cost?",
        "{name} buys {n} {thing}s at {r} dollars each. | How much does {he} pay?",
        "A {thing} costs ${r}. | What is the price of {n} of them?",
        "{name} buys {n} {thing}s for {r} dollars each and pays with {paid} dollars. | How much change does {he} get?",
        "{name} has a {paid} dollar note. {He} buys {n} {thing}s at {r} dollars each. | How much money does {he} get back?",
        "{thing}s cost {r} dollars each. {name} gives the cashier {paid} dollars for {n} of them. | What is {his} change?"),
        {"thing": ("pen", "book", "ticket", "cake", "toy", "shirt", "lamp", "cup")}),
    Family("speed", "train", (
        "A car travels at {r} km per hour. | How far does it go in {n} hours?",
        "A cyclist rides {r} miles an hour for {n} hours. | How many miles does the cyclist ride?",
        "A train goes {r} km every hour. | How far does it travel in {n} hours?"),
        {"thing": ("",)}),
    Family("wage", "train", (
        "{name} earns {r} dollars an hour and works {n} hours. | How much does {he} earn?",
        "{name} is paid {r} dollars for each hour of work. | How much does {he} get for {n} hours?",
        "{name} saves {r} dollars every week. | How much has {he} saved after {n} weeks?"),
        {"thing": ("",)}),
    Family("machine", "train", (
        "A machine makes {r} toys per minute. | How many toys does it make in {n} minutes?",
        "A printer prints {r} pages a minute. | How many pages does it print in {n} minutes?"),
        {"thing": ("",)}),
    Family("flight", "validation", (
        "A plane flies {r} miles every hour. | How many miles does it fly in {n} hours?",
        "Each {thing} in a shop is priced at {r} dollars. {name} takes {n} of them and hands over {paid} dollars. | What change should {name} receive?"),
        {"thing": ("scarf", "mug", "plate", "bowl")}),
    Family("pump", "test", (
        "A pump moves {r} liters of water each minute. | How much water does it move in {n} minutes?",
        "{name} pays {r} dollars a day to park. | How much does parking cost for {n} days?"),
        {"thing": ("",)}),
    Family("shop-change", "train", (
        "{name} buys {n} {thing}s that cost {r} dollars apiece. {He} pays with a note worth {paid} dollars. | How much change does {he} get back?",
        "{thing}s are {r} dollars each. {name} wants {n} and has {paid} dollars. | How much money will {he} have left after buying them?",
        "Find the cost of {n} {thing}s at {r} dollars apiece.",
        "{n} {thing}s at {r} dollars each: what is the total cost?",
        "How much do {n} {thing}s cost if one costs {r} dollars?"),
        {"thing": ("notebook", "ruler", "muffin", "candle", "plant", "comic", "balloon")}),
    Family("journey", "train", (
        "Travelling at {r} km an hour, how far does a bus go in {n} hours?",
        "A ship sails {r} miles per hour. | How far does it sail in {n} hours?",
        "{name} cycles at {r} km per hour for {n} hours. | How far does {he} cycle?",
        "If a coach drives {r} miles each hour, what distance does it cover in {n} hours?",
        "A runner covers {r} metres every minute. | How many metres does the runner cover in {n} minutes?"),
        {"thing": ("",)}),
    Family("daily-amounts", "train", (
        "{name} practises the piano for {r} minutes a day. | How many minutes does {he} practise in {n} days?",
        "A farm produces {r} litres of milk each day. | How much milk does it produce in {n} days?",
        "{name} gets {r} dollars of pocket money every week. | How much does {he} get over {n} weeks?",
        "Work out how many pages {name} reads in {n} days if {he} reads {r} pages a day."),
        {"thing": ("",)}),
    Family("per-person", "train", (
        "Entry to a museum is {r} dollars per person. | How much do {n} people pay?",
        "A class of {n} pupils goes on a trip that costs {r} dollars per pupil. | What is the total cost of the trip?",
        "{n} friends each pay {r} dollars for a concert ticket. | How much do they pay altogether?",
        "Each player on a team of {n} needs {r} dollars for a new kit. | How much is needed for the whole team?"),
        {"thing": ("",)}),
))

# --- everyday units and counts a question leaves unsaid -----------------------------------------

UNITS = (("minutes", "hours", 60), ("seconds", "minutes", 60), ("hours", "days", 24), ("days", "weeks", 7),
         ("months", "years", 12), ("eggs", "dozen", 12), ("centimeters", "meters", 100), ("cents", "dollars", 100))
LEGS = (("dogs", 4), ("cats", 4), ("cows", 4), ("horses", 4), ("chickens", 2), ("ducks", 2), ("spiders", 8),
        ("ants", 6), ("bees", 6), ("sheep", 4), ("birds", 2))
WHEELS = (("bikes", 2), ("bicycles", 2), ("cars", 4), ("tricycles", 3), ("unicycles", 1), ("motorbikes", 2))
SIDES = (("triangles", 3), ("squares", 4), ("pentagons", 5), ("hexagons", 6))


def units(rng: random.Random, family: Family, distractors: str) -> Drawn:
    template = rng.choice(family.templates)
    values: dict[str, int | str] = people(rng, 1)
    if "{small}" in template:
        small, big, factor = rng.choice(UNITS)
        values |= {"small": small, "big": big, "a": rng.randint(2, 12)}
        return Drawn(question(template, values, rng, distractors), program=f"{values['a']}*{factor}")
    counts = {"legs": LEGS, "wheels": WHEELS, "sides": SIDES}[next(p for p in ("legs", "wheels", "sides") if p in template)]
    (first, k1), (second, k2) = rng.sample(counts, 2)
    a, b = rng.randint(2, 12), rng.randint(2, 12)
    values |= {"first": first, "second": second, "a": a, "b": b}
    program = f"{a}*{k1}+{b}*{k2}" if "{second}" in template else f"{a}*{k1}"
    return Drawn(question(template, values, rng, distractors), program=program)


UNIT_FACTS = Kind("units", units, weight=2, families=(
    Family("convert", "train", (
        "How many {small} are in {a} {big}?",
        "How many {small} are there in {a} {big}?",
        "What is {a} {big} in {small}?")),
    Family("legs", "train", (
        "How many legs do {a} {first} and {b} {second} have?",
        "A farm has {a} {first} and {b} {second}. | How many legs are there in total?",
        "How many legs do {a} {first} have?")),
    Family("wheels", "train", (
        "How many wheels do {a} {first} and {b} {second} have?",
        "A shop sells {a} {first} and {b} {second}. | How many wheels do they have altogether?",
        "How many wheels are there on {a} {first}?")),
    Family("sides", "train", (
        "{name} draws {a} {first} and {b} {second}. | How many sides are there altogether?",
        "How many sides do {a} {first} have in total?")),
    Family("count-up", "validation", (
        "{name} counts {a} {first} and {b} {second} in a field. | How many legs does {he} count?",
        "Convert {a} {big} into {small}.")),
    Family("parade", "test", (
        "In a parade there are {a} {first} and {b} {second}. | How many wheels roll past?",
        "{a} {big} is how many {small}?")),
    Family("find-the-number", "train", (
        "Find the number of {small} in {a} {big}.",
        "Work out how many legs {a} {first} and {b} {second} have.",
        "Calculate the total number of wheels on {a} {first}.",
        "Work out how many sides {a} {first} have altogether.")),
    Family("make", "train", (
        "How many {small} make {a} {big}?",
        "How many {small} is {a} {big}?",
        "{small} in {a} {big}?",
        "Express {a} {big} in {small}.")),
    Family("picture-stories", "train", (
        "{name}'s picture shows {a} {first} and {b} {second}. | How many legs are in the picture?",
        "Count the wheels on {a} {first} and {b} {second} parked in a street.",
        "A pattern is made of {a} {first} and {b} {second}. | How many sides do the shapes have in all?",
        "In a picture book {name} sees {a} {first}. | How many legs are there?")),
))
