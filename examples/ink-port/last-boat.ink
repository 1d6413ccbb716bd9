// The Last Boat to Sant'Elm: an original short story in ink, written to measure
// how an ink story ports to ifengine (its port: examples/ink-port/last-boat/).

CONST CROSSING = 40
CONST FARE = 3
VAR trust = 0
VAR checks = 0
VAR letter = false
VAR nina = false

-> office

=== office ===
Ten to eleven. In the ticket office on the mainland quay you count the evening's takings by the light of the stove: {FARE} coins a crossing, and not many crossings.
Marta's note is pinned above the till: LAST BOAT. NO EXCEPTIONS.
* [Lock the till]
    You lock the till and put the key on its nail.
* [Leave it for the morning]
    Nobody has robbed this office in forty years. You leave it.
- You turn down the stove and go out into the wind.
-> quay

=== quay ===
The last ferry to Sant'Elm leaves at eleven. You are its only deckhand tonight, and Marta, the captain, is already up in the wheelhouse with her thermos and her radio.
A man waits at the foot of the gangway with a birdcage under a grey cloth.
* [Wave him aboard]
    "Mind the step," you say, and he minds it as if it were a promise.
    ~ trust += 1
* [Ask for his ticket]
    He takes it from inside his hat. It is damp, and a week old.
    "It was for last Tuesday," he says. "I missed that one too."
    * * [Let him on anyway]
        ~ trust += 2
        You tear the ticket and give him back the better half.
    * * [Charge him the fare]
        He pays his {FARE} coins, still warm from his pocket, counting them twice.
- The ropes come in, the engine finds its note, and the quay lights slide away behind you, <>
-> deck

=== deck ===
{and the lake opens ahead, black and flat as a slate roof. The man sits on the bench by the rail, the cage on his knees.|You come back out on deck. {&The wind has turned.|The wind has dropped.}}
* {trust > 0} [Sit with the man]
    -> passenger
* [Look over the side]
    {~A gull keeps pace with the wake, white in the dark.|Something pale turns under the water and is gone.|A bottle goes by, its neck corked, riding low.}
    -> deck
+ {checks < 2} [Go below and check the engine]
    -> engine -> deck
+ [Climb to the wheelhouse]
    -> wheelhouse

=== engine ===
The engine room is loud and warm. {The diesel knocks like someone at a door.|The knock is still there, a little slower.} {!A moth circles the bulb.|The moth has found the bulb.}
The chalk tally on the door reads {checks}. You add a mark.
~ checks += 1
+ [Tighten the belt]
    The belt hums tighter. ->->
+ [Leave it alone]
    You leave it. It has lasted this long. ->->

=== passenger ===
He lifts the cloth. Inside, a small brown bird sleeps with her head under her wing.
"A wren," he says. "She was my wife's."
* "Where are you taking her?"[] you ask.
    "Home. Sant'Elm. My wife was born there."
    * * "And your wife?"
        ~ trust += 1
        "She went ahead of us," he says. "Forty years ago. That is how she liked to travel."
    * * [Say nothing]
        You let the engine fill the silence.
    - - He lowers the cloth again.
* "She's very quiet["]," you say.
    "She saves her voice for the island."
- He takes an envelope from his coat. "If I fall asleep, will you give this to the harbour master?"
* [Take the letter]
    ~ letter = true
    You put it inside your jacket, where the rain cannot reach it.
* [Tell him to give it himself]
    "You will be awake," you say. He smiles as if you had told him a joke.
- -> deck

=== wheelhouse ===
~ temp gone = 0
Marta has the radio turned low. "{CROSSING - gone} minutes to Sant'Elm," she says, without looking round.
* [Ask about the weather]
    ~ gone += 10
    She taps the glass of the barometer. "Falling. Slowly. We'll see."
* [Ask about the man with the birdcage]
    ~ gone += 10
    "He crosses with us every week," she says. "He has never once got off."
    * * [Ask why]
        ~ gone += 5
        "Ask him. I never have."
    * * [Say you will keep an eye on him]
        "Keep two," she says.
- "{CROSSING - gone} minutes, then," Marta says.
~ gone += 5
She looks at the clock and corrects herself. "Call it {CROSSING - gone}. Take a last look at the engine for me."
-> engine -> piccola

=== piccola ===
Ten minutes later the ferry noses in at Isola Piccola: one quay, one lamp, and a post office the size of a wardrobe.
Rosa, the postmistress, waits under the lamp with a sack of mail. Behind her a young woman holds a cello case upright, like a second passenger.
* [Throw Rosa the line]
    You throw the line. Rosa catches it one-handed without putting down the sack.
    "Late," she says. "Late is still better than never, on this lake."
* [Let Marta bring her in alone]
    Marta brings the ferry in so gently that the fenders barely sigh against the stones.
- Rosa swings the sack aboard. {letter:"Anything for Sant'Elm?" she asks, looking at your jacket.|"Nothing going out?" she asks.}
* {letter} [Keep the letter]
    "No," you say. "This one I'm delivering by hand."
    "Then deliver it," says Rosa. "Letters hate waiting."
* {letter} [Give her the letter]
    ~ letter = false
    She weighs it in her palm, reads the name, and puts it in her apron pocket instead of the sack.
    "I'll see it gets there," she says. "In my own way."
* {not letter} [Shake your head]
    "Nothing tonight," you say. Rosa shrugs, as if the lake owed her letters.
- The young woman with the cello comes aboard last and sits on the bench across from the man.
-> cellist

=== cellist ===
~ temp questions = 0
She rests the case between her knees. "Nina," she says, before you can ask. "I play at the hotel on Sant'Elm. Played. They closed for the winter this morning."
* "Why go back, then?"[] you ask.
    ~ questions += 1
    "I left my good bow in the ballroom. Stupid. I need it for an audition on Monday."
    * * "An audition where?"
        ~ questions += 1
        "In the city. The real orchestra." She says it the way other people say the moon.
    * * [Wish her luck]
        "Thank you," she says. "I'll need the bow more."
* [Ask if she knows the man with the birdcage]
    ~ questions += 1
    She looks across at him. "Everyone on Piccola knows him. Every week, there and back. He never gets off."
- {questions > 1:"You ask a lot of questions for a deckhand," she says, but she is smiling.|She turns to watch the water.}
* {passenger} [Tell her about the wren]
    ~ nina = true
    You tell her about the wren that was his wife's. Nina listens without moving.
    "Then someone should play for them," she says, "when we get in."
* [Leave her to her thoughts]
    You leave her to the dark and the water. <>
- The ferry pulls away from Piccola, and the last lamp on the island shrinks to a pin.
-> horn ->
{RANDOM(1, 4) == 1: -> fog | -> harbour}

=== fog ===
A mile out, the lights of Sant'Elm go out one by one. Fog has come down off the north shore, so thick the bow is a rumour.
Nothing answers the horn now.
"We're turning back," she says. "I won't put her on the rocks for a timetable."
* [Argue for the island]
    "He needs to get there," you say. "Tonight."
    Marta looks at you for a long time. Then she slows the engine to a murmur and feels her way in, the horn going every minute, until the harbour wall comes up out of the white.
    -> harbour
* [Agree with her]
    -> turned_back

=== turned_back ===
The ferry swings round. On the bench the man sleeps, the cage on his knees, and does not see the mainland lights come back.
{letter:You keep the letter. Next week, you tell yourself.}
Turned Back. The crossing that wasn't.
-> END

=== harbour ===
{fog: The lights of Sant'Elm are only a little blurred by the last of the fog.|The harbour lights of Sant'Elm come up out of the dark.} The bell on the quay is ringing.
-> horn ->
The harbour master, a tall woman in an oilskin, catches the line and makes it fast.
* [Ask who rings the bell at this hour]
    "I do," she says. "The last boat comes in every night. Somebody should be glad of it."
    * * [Say that you are glad of it]
        She laughs, surprised, and rings it once more for you.
    * * [Say nothing]
        You nod. The bell goes quiet on its own.
* [Tell her about the man on the bench]
    "Him," she says, and something in her face shuts like a door. "Every week. Let him be."
- The man is asleep on the bench.
* {letter} [Give the letter to the harbour master]
    -> delivered
* {trust >= 2} [Wake him gently]
    -> ashore
* [Let him sleep]
    -> return_trip

=== horn ===
Marta pulls the cord. The horn goes out over the water {&low and long|short, twice}{, and the echo comes back off the cliffs.|, and nothing comes back.}
->->

=== delivered ===
The harbour master reads the envelope under the lamp. Then she reads it again.
"This is for my mother," she says. "She was born on that boat's crossing, sixty years ago. Who gave you this?"
You point back at the ferry. The bench is empty. The cage is on it, open, and the wren is singing.
Delivered. The letter reaches the island.
-> END

=== ashore ===
He wakes as if he had only closed his eyes. He looks at the quay for a long time.
"Every week I find a reason," he says. "Tonight I can't think of one."
You carry the cage down the gangway for him. At the bottom he takes it back, lifts the cloth, and opens the little door.
{nina:Behind you Nina has opened her case on the quay. She plays something slow, and from the stones the wren answers her.}
Ashore. He gets off at last.
-> END

=== return_trip ===
You let him sleep. Marta takes on two fishermen and a crate of lemons, and the ferry turns for the mainland.
Halfway across, the wren wakes and sings once, and the man smiles in his sleep.
Return Trip. Some crossings are the point.
-> END
