// The Night Ferry: an original short story in ink, written for ifengine's
// porting measure (issue 13). Its port is story/night-ferry/.

CONST CROSSING = 3
VAR trust = 0
VAR hours = 0
VAR papers = false
VAR seen_lorry = false
VAR called_ahead = false
VAR salesman_talked = false
VAR checks = 0

-> quay

=== quay ===
The last ferry to Isla Ventura leaves at ten.
{~Rain comes in over the breakwater.|Fog sits on the water like wool.|A thin wind works at the flags.}
You are the purser, and the manifest is yours to sign.
* [Sign it at the gangway]
    You sign it against the rail, and the ink runs a little.
    ~ papers = true
* [Count the cars first]
    Forty-one cars, three lorries, one horse box with no horse.
    ** [Count again]
        Forty-one cars. The numbers do not change because you want them to.
    ** [Sign it]
        ~ papers = true
    -- The ramp comes up behind the last lorry.
- The engines take hold, and the quay slides away. <>
-> departure

=== departure ===
Isla Ventura is {CROSSING} hours out.
-> rounds ->
-> lounge

=== rounds ===
{&You walk the upper deck. The bar is shut.|You walk the lower corridor. A radio plays somewhere.|You check the lifeboat lashings, as the rules say you must.}
~ hours = hours + 1
That makes {hours} {hours == 1:hour|hours} at sea.
{RANDOM(1, 3) == 1:
    A wave comes over the bow and the whole ship leans into it.
    -> secure ->
- else:
    The sea holds steady for now.
}
->->

=== secure ===
~ checks = checks + 1
{!You go below to check the lashings on the lorries.|The lashings again. Your hands know the knots now.}
The chains hold.
->->

=== lounge ===
The lounge is nearly empty: a salesman with his sample case, two soldiers playing cards.
* [Sit with the salesman]
    -> salesman
* [Go straight down to the car deck]
    -> car_deck

=== salesman ===
He sells buttons, he says, and shows you a card of them, bone and horn.
* "You came in with the lorries[?"]," you say. "Did you see the drivers?"
    "One of them paid a man at the gate," he says. "I notice these things."
    ~ salesman_talked = true
    ** [Ask what the man looked like]
        "Tall. A green scarf. He did not get on."
    ** [Thank him and go]
        You leave him to his buttons.
    -- He goes back to his cards of buttons.
* [Talk about the weather instead]
    You agree that it is a bad night for it, and that it is always a bad night for it.
- You go down to the car deck.
-> car_deck

=== car_deck ===
{The car deck smells of diesel and wet rope.|The car deck again, and the same diesel.|The car deck. You could walk it in the dark now.}
A sound comes from the second lorry: not an engine, not the sea.
* [Open the lorry's back door]
    ~ seen_lorry = true
    Behind the crates sits a girl of about nine, in a coat too thin for the night.
    -> girl
* [Call the bosun]
    The bosun does not answer his radio. You will have to look yourself.
    -> car_deck
+ {hours < CROSSING} [Go back up and walk your rounds]
    -> rounds ->
    -> car_deck

=== girl ===
~ temp asked = 0
She does not run. She looks at your uniform, and then at your hands.
- (talk)
* "What is your name[?"]," you ask, kneeling so your eyes are level with hers.
    "Lena," she says, after a while.
    ~ trust = trust + 1
    ~ asked = asked + 1
* "Are you hungry[?"]," you ask.
    She nods. You give her the biscuits from your pocket.
    ~ trust = trust + 1
    ~ asked = asked + 1
* [Ask who put her here]
    She shakes her head.
    ** "I won't be angry[."]," you say.
        "My uncle," she says. "He said someone would meet me."
        ~ trust = trust + 1
    ** {salesman_talked} [Ask about the man in the green scarf]
        Her face closes like a door. "He is not my uncle," she says.
        ~ trust = trust + 1
    ** [Do not press her]
        You let it go. There will be time.
    -- ~ asked = asked + 1
* {asked >= 2} [Tell her to stay where she is]
    "Stay here," you say. "I will come back." -> radio
- {asked < 3: -> talk}
She is asleep against the crates before you stand up.
~ trust = trust + 1
-> radio

=== radio ===
The radio room is one floor up, behind the chart table.
* [Call the harbour at Isla Ventura]
    You give the harbour master the lorry's number, and nothing else.
    "Someone will be on the quay," he says.
    ~ called_ahead = true
* [Leave the radio alone]
    You put your hand on the set, and take it away again.
- You climb <>
-> stairs

=== stairs ===
to the bridge, two steps at a time.
Captain Morales does not look away from the glass.
{papers:"The manifest is signed," he says.|"You have not signed the manifest," he says.}
* [Tell him about the girl]
    He listens without a word.
    {trust >= 2:
        "If she trusts you," he says, "then you are what she has."
    - else:
        "A child alone is for the harbour police," he says.
    }
    -> arrival
* [Say nothing about her]
    "Anything on the car deck?" "Nothing," you say.
    -> rounds ->
    -> arrival

=== arrival ===
Lights come up out of the dark: Isla Ventura, {hours} {hours == 1:hour|hours} after the quay.
{called_ahead:
    A police car waits at the foot of the ramp, its engine running.
- else:
    The quay is empty but for the night porter and his cart.
}
{seen_lorry:
    You go down to the lorry one more time. Lena is awake, and has buttoned her coat wrong.
}
* [Walk her to the harbour police]
    -> harbour
* {trust >= 2 and not called_ahead} [Walk her off as your niece]
    -> island
* [Stay aboard for the return crossing]
    -> return_crossing

=== harbour ===
The officer writes her name in a ledger, slowly, spelling it back to her.
{trust >= 2:
    At the door she turns and lifts one hand, the way children wave at trains.
- else:
    Lena does not look at you when they take her through the door.
}
You have done everything the rules ask.
-> END

=== island ===
Nobody at the gangway asks a purser about a child holding her hand.
You walk up the hill towards your sister's house, and Lena counts the steps.
It will not be simple tomorrow. Tonight it is.
-> END

=== return_crossing ===
You do not get off. Neither does she.
The ferry turns in the harbour, and the island goes back into the dark.
{called_ahead:
    On the quay the police car waits a while longer, then drives away.
}
In the morning there will be the mainland, and a decision you have only postponed.
-> END
