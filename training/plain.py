"""Hand-written evaluation sets of plain word problems, worded by hand in the style of the ones
users ask (not generated, not from any template of training.tasks). They are never trained on:
they measure whether the roles learned the skill or the templates.

`PLAIN` was written before any adapter of the program-aided roles was trained. Its failures after
the first training run (400 Planner steps: 24 of 42) were looked at, and the generator then gained
kinds it lacked (amounts added together, a part of a whole, sharing said count first), so it is no
longer blind. `PLAIN_HELD_BACK` was written then, before that retraining, and nothing was looked
at on it but the final checkpoint's scores.

`PLAIN_BLIND` (36) was written on 2026-12-07 by someone who read nothing of this repository (not
the generator, not the other sets), before the generator gained its second wave of phrasing
families; nothing is looked at on it but scores.
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

PLAIN_HELD_BACK: tuple[tuple[str, str], ...] = (
    ("A library had 250 books. It bought 75 new books and gave 40 away to a school. How many books does the library have now?", "285"),
    ("What is 8 times 7 plus 9?", "65"),
    ("What is (40 - 16) / 6?", "4"),
    ("There are 9 spiders in a box. How many legs do they have in total?", "72"),
    ("Peter is 11 years old and his sister is 7. How much older is Peter?", "4"),
    ("A bag holds 15 marbles. How many marbles are in 6 bags?", "90"),
    ("Lucy has 64 stickers. She shares them equally with her 3 friends and herself. How many stickers does each person get?", "16"),
    ("A store sells apples for 2 dollars each. How much do 15 apples cost?", "30"),
    ("A runner runs 8 km every day. How far does she run in 5 days?", "40"),
    ("What is 144 divided by 12?", "12"),
    ("A school has 4 classes with 25 students in each class. How many students are there?", "100"),
    ("Jack had 90 cents. He bought a pencil for 35 cents and an eraser for 20 cents. How many cents does he have left?", "35"),
    ("There are 7 days in a week. How many days are in 9 weeks?", "63"),
    ("Which number is bigger, 307 or 370?", "370"),
    ("Mark scored 12 points in the first game, 15 in the second and 9 in the third. How many points did he score in total?", "36"),
    ("A farmer has 18 cows and twice as many sheep. How many sheep does he have?", "36"),
    ("What is 6 plus 4, multiplied by 5?", "50"),
    ("A bus can carry 45 people. How many people can 4 buses carry?", "180"),
    ("Kim buys 2 sandwiches for 6 dollars each and a juice for 3 dollars. How much does she pay?", "15"),
    ("There were 35 cookies in a jar. The children ate 17. How many cookies are left in the jar?", "18"),
    ("How many hours are in 3 days?", "72"),
    ("A cake is cut into 12 pieces and 5 pieces are eaten. How many pieces are left?", "7"),
    ("Is 250 less than 205?", "no"),
    ("Eight boxes each hold nine pens. How many pens are there altogether?", "72"),
    ("Sara had 40 balloons. She gave away half of them. How many balloons does she have now?", "20"),
    ("What is the total of 23, 45 and 12?", "80"),
    ("A shirt costs 25 dollars. Dan pays with a 100 dollar note. How much change does he get?", "75"),
    ("Each week Mia practises piano for 4 hours. How many hours does she practise in 6 weeks?", "24"),
    ("There are 48 chairs arranged in 6 equal rows. How many chairs are in each row?", "8"),
    ("A fish tank has 23 fish. 9 more fish are added and then 5 are taken out. How many fish are in the tank?", "27"),
)

PLAIN_BLIND: tuple[tuple[str, str], ...] = (  # (question, expected answer)
    # multi-step stories
    ("Maria had 45 stickers. She gave 12 to her brother and then bought 20 more. How many stickers does Maria have now?", "53"),
    ("A bus had 28 passengers. At the first stop, 9 people got off and 14 people got on. How many passengers are on the bus now?", "33"),
    ("Tom baked 4 trays of cookies with 12 cookies on each tray. He sold 30 cookies at the school fair. How many cookies does he have left?", "18"),
    ("How many good apples does the farmer still have? He picked 120 apples, threw away 8 rotten ones, packed the rest equally into 4 baskets, and then sold one basket.", "84"),
    ("Lena is 10 years old. She had three packs of crayons with 24 crayons in each pack. She lost 7 crayons and gave 15 to a friend. How many crayons does she have now?", "50"),
    ("A shop had 250 notebooks. On Monday it sold 86. On Tuesday it received a delivery of 5 boxes with 20 notebooks in each box. How many notebooks does the shop have now?", "264"),
    ("Sam saves $6 every week. After 9 weeks he spends $17 on a book. How many dollars does he have left?", "37"),
    ("Grandma made 60 muffins. She kept 12 for the family and sold the rest for $2 each. How many dollars did she make?", "96"),
    # bare expressions
    ("What is (15 + 6) * 3?", "63"),
    ("What is 96 divided by 8, plus 7?", "19"),
    ("Subtract 19 from 64.", "45"),
    ("What is seven times eight, minus twelve?", "44"),
    ("Calculate 125 - 48 + 36.", "113"),
    # equal groups / multiplication
    ("There are 7 rows of chairs with 9 chairs in each row. How many chairs are there?", "63"),
    ("A parking lot has 6 cars and 5 bicycles. How many wheels are there in total?", "34"),
    ("How many legs do 4 spiders and 3 dogs have altogether?", "44"),
    ("Each box holds 15 pencils. How many pencils are in 8 boxes?", "120"),
    ("Juice comes in packs of six bottles. Mr. Patel buys 12 packs for his class of 30 students. How many bottles of juice does he buy?", "72"),
    # sharing / division
    ("Share 84 marbles equally among 7 children. How many marbles does each child get?", "12"),
    ("A coach puts 144 students into groups of 6. How many groups are there?", "24"),
    ("How many bags are needed if 54 oranges are packed 9 to a bag?", "6"),
    ("Four friends split a pizza bill of $52 equally. How many dollars does each friend pay?", "13"),
    # rates and unit facts
    ("A car travels at 60 kilometres per hour. How many kilometres does it go in 4 hours?", "240"),
    ("How many days are in 9 weeks?", "63"),
    ("A machine makes 48 toys per hour. How many toys does it make in an 8-hour day?", "384"),
    ("A baker has 5 dozen eggs. How many eggs is that?", "60"),
    # differences / comparisons
    ("Jake has 73 baseball cards and his sister has 48. How many more cards does Jake have?", "25"),
    ("The school library has 418 fiction books and 275 non-fiction books. How many more fiction books than non-fiction books are there?", "143"),
    ("How many more pages did Emma read this week than last week, if she read 156 pages last week and 209 pages this week?", "53"),
    ("Team A scored 64 points and Team B scored 112 points. How many fewer points did Team A score than Team B?", "48"),
    # money with change
    ("Ben buys a sandwich for $4 and a drink for $3. He pays with a $10 bill. How many dollars of change does he get?", "3"),
    ("You pay with a $20 bill for three notebooks that cost $5 each. How many dollars of change do you get?", "5"),
    ("A toy costs 65 cents. Lucy pays with a one-dollar coin. How many cents of change should she get?", "35"),
    # yes/no or which is larger
    ("Is 7 times 8 greater than 50?", "yes"),
    ("Which is larger: 6 × 9 or 7 × 7?", "54"),
    ("Kim has $25. Can she buy 4 books that cost $7 each?", "no"),
)
