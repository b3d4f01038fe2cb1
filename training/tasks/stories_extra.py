"""More training phrasings of the story kinds in `stories` (change, difference, combined,
part-of-whole, scaled): other settings (shops, farms, kitchens, school, travel, money), other
tenses and voices, imperative questions ("Work out ...", "Find ..."), terse and chatty wordings.
All are "train" families; each kind in `stories` adds its tuple here to its own families, and
the placeholders and phrase lists are the ones that kind's draw function fills."""

from __future__ import annotations

from training.tasks.base import Family

# change: `subject` ("First/later", empty for clauses with their own subject), `gain`, `loss`,
# optional `item`; templates use {events} or {inline}.
MORE_CHANGE_FAMILIES: tuple[Family, ...] = (
    Family("shop-stock", "train", (
        "A toy shop had {a} {item} on its shelves on Monday. {events} | How many {item} did the shop have after that?",
        "On Monday morning a shop had {a} {item} in stock. {events} | How many {item} were in stock at the end of the day?",
        "A shop started the week with {a} {item}: {inline}. | Work out how many {item} the shop has now."), {
        "item": ("umbrellas", "backpacks", "lunch boxes", "water bottles", "footballs", "kites", "board games"),
        "subject": ("/",),
        "gain": ("{n} more were delivered", "a van dropped off {n} more", "{n} more were unpacked from boxes",
                 "a new order of {n} arrived"),
        "loss": ("{n} were sold", "customers bought {n}", "{n} were sent back because they were faulty",
                 "{n} were given away in a raffle")}),
    Family("cookie-jar", "train", (
        "There are {a} {item} in a jar. {events} | How many {item} are in the jar now?",
        "A tin holds {a} {item}. {events} | How many {item} are in the tin at the end?",
        "How many {item} are in the jar at the end if it starts with {a} and {inline}?"), {
        "item": ("cookies", "sweets", "biscuits", "jelly beans", "toffees", "crackers"),
        "subject": ("/",),
        "gain": ("{name} puts in {n} more", "{name2} adds {n} more", "{name}'s dad tops it up with {n} more",
                 "{n} more are added", "{name} bakes {n} more and drops them in"),
        "loss": ("{name} takes out {n}", "{name2} eats {n} of them", "{n} are eaten at lunch",
                 "{name} packs {n} for a school trip", "{name2} grabs {n}")}),
    Family("farmer", "train", (
        "Farmer {name} had {a} {item}. {events} | How many {item} does {he} have now?",
        "Last spring Farmer {name} kept {a} {item}. {events} | How many {item} did {he} have by the summer?",
        "Farmer {name} started the year with {a} {item}. Over the year {he} {inline}. | Find how many {item} {he} had at the end of the year."), {
        "item": ("sheep", "goats", "chickens", "cows", "pigs", "rabbits", "ducks"),
        "subject": ("{He}/{he}", "Farmer {name}/{he}", "The farmer/{he}"),
        "gain": ("bought {n} more at the market", "got {n} from a neighbouring farm", "raised {n} new ones",
                 "traded some hay for {n} more"),
        "loss": ("sold {n} at the market", "sold {n} of them", "gave {n} to {his} cousin", "lost {n} in a storm")}),
    Family("fuel-tank", "train", (
        "A car's fuel tank has {a} litres of petrol in it. {events} | How many litres are in the tank now?",
        "The tank of {name}'s van holds {a} litres of diesel. {events} | How much diesel is in the tank now?",
        "Before a road trip the tank holds {a} litres of fuel. {events} | Work out how many litres are left in the tank."), {
        "subject": ("/",),
        "gain": ("{name} fills up with {n} more litres", "{n} more litres are pumped in at a petrol station",
                 "{name} adds another {n} litres"),
        "loss": ("the drive to work uses {n} litres", "{n} litres are used on the motorway",
                 "a long trip burns {n} litres", "{n} litres are used up in town")}),
)

# difference: {a} is the smaller amount, {b} the larger; {name}, {name2}, {item}.
MORE_DIFFERENCE_FAMILIES: tuple[Family, ...] = (
    Family("cost-more", "train", (
        "A jacket costs {b} dollars and a cap costs {a} dollars. | How much more does the jacket cost than the cap?",
        "At the market a melon sells for {b} cents and an apple for {a} cents. | How much cheaper is the apple?",
        "{name} paid {b} dollars for a game. {name2} paid {a} dollars for the same game in a sale. | How much less did {name2} pay?",
        "Find how much more a bike at {b} dollars costs than a scooter at {a} dollars.")),
    Family("went-up-down", "train", (
        "At noon it was {b} degrees. By midnight it was {a} degrees. | How many degrees did the temperature drop?",
        "A sunflower was {a} cm tall in June and {b} cm tall in August. | How much did it grow?",
        "Last year a school had {a} pupils; this year it has {b}. | How many more pupils are there this year?",
        "The price of a ticket rose from {a} dollars to {b} dollars. | How much did the price go up?")),
    Family("catch-up", "train", (
        "{name} has {a} {item} and {name2} has {b}. | How many more {item} does {name} need to have as many as {name2}?",
        "{name2} has saved {b} dollars. {name} has saved {a} dollars. | How much more must {name} save to catch up?",
        "{name} has run {a} laps and {name2} has run {b} laps. | How many laps must {name} run to draw level with {name2}?")),
    Family("compare-counts", "train", (
        "There are {b} pupils in Year Six and {a} pupils in Year Five. | Work out how many more pupils are in Year Six.",
        "A farm has {b} sheep and {a} cows. | Find how many fewer cows than sheep there are.",
        "Sheep: {b}. Cows: {a}. | How many more sheep than cows?",
        "{name2} scored {b} goals this season and {name} scored {a}. | What is the gap between them?")),
)

# combined: {a}, {b} (and {c}) added; `change` (optional, its `more` ones add {d}, the rest take it away).
MORE_COMBINED_FAMILIES: tuple[Family, ...] = (
    Family("find-the-total", "train", (
        "Find the total number of {item} if {name} has {a}, {name2} has {b} and {name3} has {c}.",
        "Work out how many {item} there are altogether: {a} in a red box and {b} in a blue box.",
        "{name} has {a} {item}; {name2} has {b}. | Calculate how many they have between them.",
        "{a} {item} plus {b} {item}: how many {item} is that in all?")),
    Family("kitchen", "train", (
        "A cake recipe uses {a} grams of butter and {b} grams of sugar. | How many grams of butter and sugar does it use altogether?",
        "{name} put {a} strawberries, {b} grapes and {c} cherries into a fruit salad. | How many pieces of fruit went into the salad?",
        "A cook cracked {a} eggs for breakfast and {b} eggs for lunch. | How many eggs did the cook use?",
        "For a party {name} baked {a} cupcakes and {name2} baked {b}. | How many cupcakes were baked in total?")),
    Family("school-sports", "train", (
        "The red class raised {a} dollars for charity, the blue class raised {b} dollars and the green class raised {c} dollars. | How much did the three classes raise in all?",
        "A basketball team scored {a} points in the first half and {b} points in the second half. | What was the team's final score?",
        "In the school library {a} books are on loan to boys and {b} to girls. | How many books are on loan?",
        "At sports day {name} won {a} stickers, {name2} won {b} and {name3} won {c}. | How many stickers did the three friends win?")),
    Family("on-board", "train", (
        "An empty bus stops twice: {a} people get on at the first stop and {b} at the second.{change} | How many people are on the bus now?",
        "At the first station {a} passengers board an empty train, and at the second station {b} more board.{change} | How many passengers are on the train now?",
        "A lift is empty. {a} people get in on the ground floor and {b} more on the first floor.{change} | How many people are in the lift now?"),
        {"change": ("", " Then {d} people leave.", " Later {d} of them leave.", " After that, {d} more people squeeze in."),
         "more": (" After that, {d} more people squeeze in.",)}),
)

# part-of-whole: {a} the whole, {b} (and {c}) the parts taken from it; {name} and pronouns.
MORE_PART_OF_WHOLE_FAMILIES: tuple[Family, ...] = (
    Family("money-left", "train", (
        "{name} has {a} dollars. {He} spends {b} dollars on a book. | How much money does {he} have left?",
        "{name} took {a} dollars to the fair, spent {b} dollars on rides and {c} dollars on food. | How much did {he} bring home?",
        "Out of {a} dollars of pocket money, {name} spends {b} and saves the rest. | How much does {he} save?",
        "{name} pays for a meal that costs {b} dollars with {a} dollars. | How much change does {he} get back?")),
    Family("made-of", "train", (
        "Of the {a} animals on a farm, {b} are cows, {c} are sheep and the rest are goats. | How many goats are there?",
        "A choir has {a} singers; {b} of them are boys. | How many girls sing in the choir?",
        "There are {a} pupils in a school play. {b} of them are dancers and the others are actors. | How many actors are in the play?",
        "A bag of {a} sweets has {b} red ones, {c} green ones and some yellow ones. | How many yellow sweets are there?")),
    Family("still-free", "train", (
        "A cinema has {a} seats and {b} of them are taken. | How many seats are empty?",
        "A jigsaw of {a} pieces has {b} pieces in place. | How many pieces are still to be put in?",
        "{name} has to run {a} laps. So far {he} has run {b}. | How many laps does {he} have left?",
        "A bookcase has room for {a} books. {b} books are on it already. | How many more books will fit?",
        "A bus seats {a} passengers. {b} seats are filled at the first stop and {c} at the second. | How many seats are still free?")),
    Family("used-up", "train", (
        "A box contained {a} oranges. {b} were eaten and {c} were given away. | How many oranges remained?",
        "A roll had {a} metres of ribbon. {b} metres were cut off for a present. | How many metres were left on the roll?",
        "{a} tickets were printed for a show and {b} were sold. | How many tickets were not sold?",
        "Calculate how much paint is left in a tin of {a} litres after {b} litres are used on a fence.")),
)

# scaled: {a} the base and {times} ("twice", ..., "half"); a template with "together" or "in all"
# asks for the base and the scaled amount added, every other one for the scaled amount alone.
MORE_SCALED_FAMILIES: tuple[Family, ...] = (
    Family("kitchen-prices", "train", (
        "A recipe uses {a} grams of sugar and {times} as much flour. | How many grams of flour does it use?",
        "A small pot holds {a} cups of soup. A large pot holds {times} as much. | How many cups does the large pot hold?",
        "A pencil costs {a} cents and a pen costs {times} as much. | How much do the pencil and the pen cost together?",
        "A sandwich costs {a} dollars. A cake costs {times} that amount. | Find the price of the cake.")),
    Family("the-number", "train", (
        "{name} collected {a} {item}. {name2} collected {times} the number {name} did. | Work out how many {item} {name2} collected.",
        "{name2} has {times} as many {item} as {name}, who has {a}. | Find how many {item} {name2} has.",
        "{name} has {a} {item} and {name2} has {times} that number. | How many {item} do the two of them have in all?",
        "Calculate how many {item} {name2} owns if {name} owns {a} and {name2} owns {times} as many.")),
    Family("farm-sport", "train", (
        "A farm has {a} cows and {times} as many sheep. | How many sheep are on the farm?",
        "In the first game {name} scored {a} points; in the second game {he} scored {times} as many. | How many points did {he} score in the second game?",
        "A farm has {a} hens and {times} as many ducks. | How many birds does the farm have altogether?",
        "On Saturday {a} people visited a museum, and on Sunday {times} as many came. | How many visitors came on Sunday?")),
)
