"""A hand-written evaluation set of plain word problems, worded by hand in the style of the ones
users ask (not generated, not from any template of training.tasks). It is never trained on and
nothing is tuned on it: it measures whether the roles learned the skill or the templates.
Written before any adapter of the program-aided roles was trained.
"""

from __future__ import annotations

PLAIN: tuple[tuple[str, str], ...] = (  # (question, expected answer)
    ("A bakery made 45 muffins in the morning. It sold 28 of them and then baked 15 more. How many muffins does it have now?", "32"),
    ("What is (12 + 8) * 4?", "80"),
    ("What is 72 divided by 9, plus 5?", "13"),
    ("How many legs do 4 dogs and 3 chickens have altogether?", "22"),
    ("Maria had 50 dollars. She spent 18 dollars on a book and 7 dollars on lunch. How much money does she have left?", "25"),
    ("A farmer plants 6 rows of corn with 9 plants in each row. How many plants are there?", "54"),
    ("There are 32 students in a class. They are split into groups of 4. How many groups are there?", "8"),
    ("A pencil costs 3 dollars. How much do 12 pencils cost?", "36"),
    ("Jake read 14 pages on Monday and twice as many on Tuesday. How many pages did he read on Tuesday?", "28"),
    ("What is 100 minus 37?", "63"),
    ("A car drives at 55 miles per hour for 4 hours. How far does it go?", "220"),
    ("Sam has 23 marbles and Leo has 41 marbles. How many more marbles does Leo have than Sam?", "18"),
    ("A holiday lasts 6 weeks. How many days is that?", "42"),
    ("A box holds 24 crayons. How many crayons are in 5 boxes?", "120"),
    ("What is 7 times 8, minus 6?", "50"),
    ("Emma picks 17 apples and her brother picks 26 apples. How many apples do they pick together?", "43"),
    ("A pizza is cut into 8 slices. If 3 pizzas are ordered, how many slices are there?", "24"),
    ("There were 60 birds on a field. 25 flew away and then 12 more landed. How many birds are on the field now?", "47"),
    ("Tickets cost 9 dollars each. A family buys 5 tickets and pays with a 50 dollar bill. How much change do they get?", "5"),
    ("What is the sum of 135 and 248?", "383"),
    ("Divide 84 by 7 and then add 10. What do you get?", "22"),
    ("A shop had 120 oranges. It sold 45 in the morning and 38 in the afternoon. How many oranges were left?", "37"),
    ("Lily earns 12 dollars an hour. How much does she earn in 7 hours?", "84"),
    ("How many wheels do 3 tricycles and 4 bicycles have?", "17"),
    ("Which is larger, 58 or 85?", "85"),
    ("Is 19 greater than 91?", "no"),
    ("Tom had 18 stickers. He gave 5 to his sister and got 9 from a friend. How many stickers does Tom have?", "22"),
    ("A baker puts 6 cupcakes in each box. She has 42 cupcakes. How many boxes can she fill?", "7"),
    ("What is 9 * (14 - 6)?", "72"),
    ("Three friends share 27 candies equally. How many candies does each friend get?", "9"),
    ("A garden has 5 rows of 7 tulips and 6 roses. How many flowers are in the garden?", "41"),
    ("A train has 8 cars and each car carries 40 people. How many people can the train carry?", "320"),
    ("Nina is 9 years old. Her mother is 4 times as old. How old is her mother?", "36"),
    ("A rope is 90 meters long. It is cut into 6 equal pieces. How long is each piece?", "15"),
    ("There are 14 boys and 16 girls on a bus. At the next stop 7 children get off. How many children are left on the bus?", "23"),
    ("How many minutes are there in 5 hours?", "300"),
    ("Ben saves 15 dollars every week. How much has he saved after 8 weeks?", "120"),
    ("Is 6 times 7 more than 40?", "yes"),
    ("Olivia buys 3 notebooks at 4 dollars each and 2 pens at 2 dollars each. How much does she spend?", "16"),
    ("Twelve children each bring four apples to school. How many apples do they bring?", "48"),
    ("Anna is 10 years old. She has 3 bags with 5 oranges in each. How many oranges does she have?", "15"),
    ("A class has 28 students and 13 of them are girls. How many boys are in the class?", "15"),
)
