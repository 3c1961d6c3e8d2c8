"""Static material for the demo municipality: names, texts, the measures catalogue, and the
distributions taken from the audit reports (Sundbyberg 2022, Ystad 2021, Tranås, Haninge).

Everything here is plain data so that the generator stays short and the shares are easy to
check against the seeds.
"""

from __future__ import annotations

DEMO_PASSWORD = "Insats-demo-2026"
START_YEAR = 2019

BOARD_NAME = "Arbetsmarknadsnämnden"
ADMINISTRATION_NAME = "Arbetsmarknadsförvaltningen"

AME_ROUTINE = (
    'Fördelningsrutin för Arbetsmarknadsenheten (fastställd av enhetschef, revideras årligen)\n'
    '\n'
    '1. Alla remisser från uppdragsgivare (ekonomiskt bistånd, Arbetsförmedlingen, KAA, '
    'vuxenenheten, etablering) kommer in i enhetens remisskö i Insats. Samordnaren '
    'kontrollerar varje vardag att remissen är komplett (uppdrag, försörjning, bilagor) och '
    'kontaktar remittenten inom två arbetsdagar om något saknas.\n'
    '2. Fördelning sker på fördelningsmötet varje tisdag kl. 9.00 (samordnare, enhetschef och'
    ' arbetsmarknadskonsulenterna). Brådskande ärenden (t.ex. nyanlända med etableringsplan '
    'som löper ut) får fördelas direkt av samordnaren och redovisas på nästa möte.\n'
    '3. Remissen fördelas i denna ordning:\n'
    '   a) Arbetsbelastning: konsulenten med lägst antal aktiva inskrivningar i förhållande '
    'till sin tjänstgöringsgrad (riktvärde 25 aktiva ärenden på heltid).\n'
    '   b) Språk: finns önskat språk (t.ex. arabiska, somaliska, tigrinja, dari) väljs en '
    'konsulent med det språket, även om belastningen är något högre (högst 5 ärenden över '
    'riktvärdet).\n'
    '   c) Kompetens: NPF, unga vuxna, språkstöd och extratjänst matchas mot konsulentens '
    'kompetens.\n'
    '4. Insats föreslår en konsulent efter punkt 3. Väljer samordnaren någon annan ska skälet'
    ' skrivas in; avstegen följs upp av enhetschef varje kvartal.\n'
    '5. Trepartssamtal (deltagare, konsulent, remittent) bokas inom två veckor efter '
    'fördelning och kartläggning görs med enhetens instrument. Genomförandeplan fastställs '
    'inom tre månader och följs upp minst var tredje månad.\n'
    '6. Personer med skyddade personuppgifter fördelas endast till konsulent med behörighet.'
)

JOBBTORG_ROUTINE = (
    'Fördelningsrutin för Jobbtorg Centrum\n'
    '\n'
    'Remisser fördelas av samordnaren två gånger i veckan (måndag och torsdag) efter antal '
    'aktiva ärenden per konsulent (riktvärde 25), önskat språk och kompetens. Ärenden som '
    'gäller extratjänst eller annan kommunal arbetsmarknadsanställning går till konsulent med'
    ' kompetensen extratjänst. Avsteg från förslaget motiveras i remissen.'
)

UNG_ROUTINE = (
    'Fördelningsrutin för Ungdomsenheten (KAA och unga vuxna)\n'
    '\n'
    'Ungdomar inom det kommunala aktivitetsansvaret fördelas samma vecka som kontakten '
    'uppstått, i första hand till den konsulent som har kontakt med ungdomens skola. Unga '
    'vuxna 18–29 år med ekonomiskt bistånd fördelas efter arbetsbelastning och kompetens '
    '(NPF, unga vuxna).'
)

UNITS = [
    # code, name, routine, share of enrolments
    ("AME", "Arbetsmarknadsenheten", AME_ROUTINE, 0.55),
    ("JOBBTORG", "Jobbtorg Centrum", JOBBTORG_ROUTINE, 0.30),
    ("UNG", "Ungdomsenheten (KAA)", UNG_ROUTINE, 0.15),
]

LANGUAGE_TAGS = ["arabiska", "somaliska", "tigrinja", "engelska", "dari"]
COMPETENCE_TAGS = ["NPF", "unga vuxna", "språkstöd", "extratjänst"]

# The six printed demo accounts: username, role, unit code, first name, last name.
MAIN_ACCOUNTS = [
    ("coach", "coach", "AME", "Camilla", "Lindqvist"),
    ("samordnare", "samordnare", "AME", "Sami", "Haddad"),
    ("remittent", "remittent", None, "Rebecka", "Ström"),
    ("enhetschef", "enhetschef", "AME", "Eva", "Bergström"),
    ("controller", "controller", None, "Conny", "Åberg"),
    ("admin", "admin", None, "Ada", "Nordin"),
]

# Other remittents, one per referral source (the main `remittent` sends for EKB).
OTHER_REMITTENTS = [
    ("remittent-af", "AF", "Anders", "Fors"),
    ("remittent-kaa", "KAA", "Karin", "Alm"),
    ("remittent-etablering", "ETABLERING", "Nadia", "Yousef"),
    ("remittent-vuxen", "VUXENHET", "Viktor", "Holm"),
]

# ---------------------------------------------------------------------------------------------
# Names
SWEDISH_FEMALE = [
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Emma",
    "Lena",
    "Kristina",
    "Elin",
    "Johanna",
    "Linnea",
    "Ida",
    "Malin",
    "Sofia",
    "Hanna",
    "Jenny",
    "Frida",
    "Matilda",
    "Therese",
    "Ebba",
    "Alva",
    "Wilma",
    "Moa",
    "Ellen",
    "Josefin",
    "Louise",
    "Caroline",
    "Madeleine",
    "Amanda",
    "Helena",
    "Ulrika",
    "Annika",
    "Agnes",
    "Tove",
    "Nathalie",
]
SWEDISH_MALE = [
    "Erik",
    "Lars",
    "Karl",
    "Anders",
    "Johan",
    "Per",
    "Mikael",
    "Andreas",
    "Daniel",
    "Fredrik",
    "Oskar",
    "Viktor",
    "Emil",
    "Marcus",
    "Simon",
    "Jonas",
    "Niklas",
    "Robin",
    "Tobias",
    "Jesper",
    "Linus",
    "Filip",
    "Albin",
    "Oliver",
    "Hampus",
    "Rasmus",
    "Patrik",
    "Mattias",
    "Kevin",
    "Alexander",
    "Joakim",
    "Sebastian",
    "Stefan",
    "Magnus",
    "Henrik",
]
SWEDISH_LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Lindström",
    "Olofsson",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lundgren",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Sjöberg",
    "Forsberg",
    "Wallin",
    "Engström",
    "Eklund",
    "Danielsson",
    "Lundin",
    "Håkansson",
    "Björk",
    "Bergman",
    "Gunnarsson",
    "Holm",
    "Samuelsson",
    "Fransson",
    "Wikström",
    "Isaksson",
    "Bergqvist",
    "Nyström",
    "Holmberg",
]

# Origin groups for persons born abroad: language, weight, female, male, last names.
ORIGINS = {
    "arabiska": (
        0.30,
        [
            "Fatima",
            "Amira",
            "Layla",
            "Nour",
            "Rania",
            "Yasmin",
            "Hiba",
            "Zainab",
            "Reem",
            "Dalia",
            "Salma",
            "Mariam",
            "Huda",
            "Lina",
            "Aya",
        ],
        [
            "Mohammed",
            "Ahmad",
            "Ali",
            "Omar",
            "Hassan",
            "Khaled",
            "Yousef",
            "Mahmoud",
            "Karim",
            "Samir",
            "Tariq",
            "Bilal",
            "Ibrahim",
            "Mustafa",
            "Nabil",
        ],
        [
            "Al-Hassan",
            "Haddad",
            "Khalil",
            "Mansour",
            "Nasser",
            "Saleh",
            "Hamdan",
            "Darwish",
            "Al-Jabouri",
            "Ibrahim",
            "Qasim",
            "Aziz",
            "Farouk",
            "Rahman",
            "Hussein",
        ],
    ),
    "somaliska": (
        0.15,
        ["Hodan", "Amina", "Sahra", "Fadumo", "Hibo", "Ayan", "Deeqa", "Ifrah", "Khadra", "Nimco"],
        [
            "Abdi",
            "Abdirahman",
            "Mahad",
            "Farah",
            "Liban",
            "Hamza",
            "Yusuf",
            "Said",
            "Guled",
            "Abdullahi",
        ],
        [
            "Mohamed",
            "Ahmed",
            "Hassan",
            "Warsame",
            "Jama",
            "Osman",
            "Abdi",
            "Ali",
            "Omar",
            "Nur",
            "Egal",
            "Hersi",
        ],
    ),
    "tigrinja": (
        0.12,
        ["Selam", "Helen", "Senait", "Feven", "Hiwet", "Luwam", "Rahel", "Ruta", "Yordanos"],
        ["Yonas", "Dawit", "Filmon", "Samuel", "Tesfay", "Merhawi", "Robel", "Habtom", "Kibrom"],
        [
            "Tesfamariam",
            "Gebremedhin",
            "Haile",
            "Berhane",
            "Tekle",
            "Kidane",
            "Ghebre",
            "Woldu",
            "Asmerom",
            "Yohannes",
        ],
    ),
    "dari": (
        0.12,
        ["Zahra", "Fereshta", "Mursal", "Nilofar", "Parwana", "Shabnam", "Marzia", "Sadia"],
        [
            "Ahmad",
            "Mohammad",
            "Ali",
            "Hamid",
            "Javid",
            "Mustafa",
            "Reza",
            "Sayed",
            "Nasir",
            "Farid",
        ],
        [
            "Ahmadi",
            "Hosseini",
            "Rahimi",
            "Karimi",
            "Mohammadi",
            "Sultani",
            "Noori",
            "Hakimi",
            "Azizi",
            "Jafari",
        ],
    ),
    "persiska": (
        0.06,
        ["Shirin", "Maryam", "Leila", "Nasrin", "Parisa", "Sanaz", "Azadeh"],
        ["Amir", "Babak", "Dariush", "Kaveh", "Mehdi", "Payam", "Reza"],
        ["Tehrani", "Rostami", "Moradi", "Shirazi", "Bahrami", "Kazemi", "Sadeghi"],
    ),
    "bosniska": (
        0.06,
        ["Amra", "Emina", "Lejla", "Selma", "Jasmina", "Mirela", "Aida"],
        ["Adnan", "Emir", "Haris", "Kenan", "Mirza", "Nedim", "Tarik"],
        ["Hodžić", "Begić", "Delić", "Hadžić", "Kovačević", "Mehmedović", "Salihović"],
    ),
    "polska": (
        0.07,
        ["Agnieszka", "Anna", "Joanna", "Katarzyna", "Magdalena", "Monika", "Zofia"],
        ["Adam", "Krzysztof", "Marek", "Piotr", "Tomasz", "Paweł", "Jakub"],
        ["Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński"],
    ),
    "engelska": (
        0.05,
        ["Grace", "Joy", "Blessing", "Mary", "Sarah", "Patience", "Emily"],
        ["John", "David", "Emmanuel", "Michael", "James", "Samuel", "Daniel"],
        ["Okafor", "Mensah", "Smith", "Adeyemi", "Johnson", "Owusu", "Brown"],
    ),
    "spanska": (
        0.07,
        ["Camila", "Valentina", "Lucía", "Gabriela", "Daniela", "Paula"],
        ["Carlos", "Diego", "Javier", "Luis", "Andrés", "Mateo"],
        ["García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Pérez"],
    ),
}

STREETS = [
    "Storgatan",
    "Kyrkogatan",
    "Skolgatan",
    "Järnvägsgatan",
    "Parkvägen",
    "Björkvägen",
    "Ekvägen",
    "Tallstigen",
    "Ängsvägen",
    "Industrigatan",
    "Sjövägen",
    "Bäckvägen",
    "Stationsgatan",
    "Hantverkargatan",
    "Torggatan",
    "Lärkvägen",
]
POSTAL_TOWN = "Demostad"

# PTS reserves 070-174 06 05 – 070-174 06 99 for fiction, so demo numbers reach nobody.
FICTIONAL_MOBILE_PREFIX = "070-174 06 "
FICTIONAL_MOBILE_RANGE = (5, 99)

# ---------------------------------------------------------------------------------------------
# Shares from the seeds
GENDER_WEIGHTS = {"K": 0.46, "M": 0.53, "X": 0.01}

# Sundbyberg 2022: AM1 5, AM2 108, AM3 104 of 220 (three not assessed).
NEED_WEIGHTS = {"AM1": 5, "AM2": 108, "AM3": 104, "": 6}

EDUCATION_WEIGHTS = {
    "FORGYMNASIAL": 0.35,
    "GYMNASIAL": 0.40,
    "EFTERGYMNASIAL": 0.15,
    "OKAND": 0.08,
    "": 0.02,
}

REFERRAL_SOURCE_WEIGHTS = {
    "AME": {
        "EKB": 62,
        "AF": 14,
        "ETABLERING": 9,
        "VUXENHET": 5,
        "FK": 2,
        "FINSAM": 4,
        "SJALV": 2,
        "OVRIG": 2,
    },
    "JOBBTORG": {"EKB": 55, "AF": 25, "ETABLERING": 10, "FINSAM": 3, "SJALV": 5, "OVRIG": 2},
    "UNG": {"KAA": 45, "GYMNASIE": 10, "EKB": 30, "AF": 12, "SJALV": 3},
}

INCOME_BY_SOURCE = {
    "EKB": {"FORSORJNINGSSTOD": 92, "A_KASSA": 3, "FK_ERSATTNING": 3, "OKAND": 2},
    "AF": {"AKTIVITETSSTOD": 45, "FORSORJNINGSSTOD": 40, "A_KASSA": 12, "INGEN": 3},
    "ETABLERING": {"ETABLERINGSERSATTNING": 80, "FORSORJNINGSSTOD": 20},
    "KAA": {"INGEN": 70, "FORSORJNINGSSTOD": 20, "STUDIEMEDEL": 10},
    "GYMNASIE": {"STUDIEMEDEL": 60, "INGEN": 40},
    "VUXENHET": {"FORSORJNINGSSTOD": 85, "FK_ERSATTNING": 10, "OKAND": 5},
    "FK": {"FK_ERSATTNING": 80, "FORSORJNINGSSTOD": 20},
    "FINSAM": {"FK_ERSATTNING": 40, "FORSORJNINGSSTOD": 50, "INGEN": 10},
    "SJALV": {"INGEN": 40, "A_KASSA": 20, "LON": 20, "OKAND": 20},
    "OVRIG": {"FORSORJNINGSSTOD": 40, "INGEN": 30, "OKAND": 30},
}

# Sundbyberg 2022 / Ystad 2021: arbete utan subvention 29 %, annan aktör 17 %, åter beställare
# 17 %, studier 12 %, arbete med subvention 9 %; the rest as in Ystad's list.
CLOSURE_WEIGHTS = {
    "ARBETE_UTAN_STOD": 27.0,
    "ARBETE_MED_STOD": 8.0,
    "EGET_FORETAG": 1.0,
    "STUDIER_REGULJARA": 8.0,
    "STUDIER_ARBETSMARKNAD": 2.5,
    "ANNAN_AKTOR": 16.0,
    "PRIVAT_LEVERANTOR": 2.0,
    "ATER_BESTALLARE": 16.0,
    "ATER_AF_MAL_UPPNATT": 3.0,
    "ATER_AF_MAL_EJ_UPPNATT": 3.0,
    "ATER_FORSORJNING": 2.0,
    "SJUKSKRIVNING": 4.5,
    "AVBROTT": 4.0,
    "FLYTTAT": 1.5,
    "FORALDRALEDIG": 1.0,
    "PENSION": 0.3,
    "AVLIDEN": 0.2,
    "OVRIGT": 0.5,
}
# People with little support needs more often go to work or studies, those with extra support
# less often (makes like-for-like comparisons meaningful in the effect analysis).
WORK_STUDIES_FACTOR_BY_NEED = {"AM1": 1.5, "AM2": 1.1, "AM3": 0.85, "": 1.0}

# Median weeks enrolled, Sundbyberg: women 19, men 16.
MEDIAN_WEEKS = {"K": 19.0, "M": 16.0, "X": 17.0}

# Share at the 12-month follow-up who are back on försörjningsstöd, by closure year
# (Ystad: 82 % not back 2019, 88 % 2020, 92 % 2021).
FS_SHARE_BY_YEAR = {2019: 0.18, 2020: 0.12, 2021: 0.075}
FS_SHARE_LATER = 0.10
FS_FACTOR_BY_OUTCOME = {
    "arbete": 0.4,
    "studier": 0.6,
    "annan_aktor": 1.2,
    "ater": 1.8,
    "ohalsa": 1.0,
    "avbrott": 1.8,
    "ovrigt": 0.8,
}
# Follow-up status (besides försörjningsstöd) by the closure's outcome group.
FOLLOWUP_BY_OUTCOME = {
    "arbete": {"ARBETE": 78, "STUDIER": 4, "ARBETSSOKANDE": 8, "SJUK": 2, "OVRIGT": 2, "OKAND": 6},
    "studier": {"STUDIER": 65, "ARBETE": 15, "ARBETSSOKANDE": 8, "OVRIGT": 4, "OKAND": 8},
    "annan_aktor": {
        "ARBETSSOKANDE": 35,
        "ARBETE": 20,
        "STUDIER": 8,
        "SJUK": 10,
        "OVRIGT": 12,
        "OKAND": 15,
    },
    "ater": {
        "ARBETSSOKANDE": 40,
        "ARBETE": 15,
        "STUDIER": 5,
        "SJUK": 10,
        "OVRIGT": 10,
        "OKAND": 20,
    },
    "ohalsa": {"SJUK": 60, "ARBETSSOKANDE": 10, "ARBETE": 5, "OVRIGT": 10, "OKAND": 15},
    "avbrott": {"OKAND": 40, "ARBETSSOKANDE": 25, "ARBETE": 15, "OVRIGT": 10, "SJUK": 10},
    "ovrigt": {"OVRIGT": 40, "OKAND": 30, "ARBETE": 15, "ARBETSSOKANDE": 15},
}
# How many follow-ups were actually made at each interval.
FOLLOWUP_COVERAGE = {3: 0.85, 6: 0.75, 12: 0.70}

ABSENCE_WEIGHTS = {"sick": 50, "vab": 15, "meeting": 15, "vacation": 5, "unexcused": 10, "other": 5}

# ---------------------------------------------------------------------------------------------
# Providers and the measures catalogue (insatsmatris)
PROVIDERS = [
    ("Arbetsmarknadsenheten – egen regi", "internal"),
    ("Returen second hand", "internal"),
    ("Demokommunens vuxenutbildning", "municipal"),
    ("Barn- och utbildningsförvaltningen", "municipal"),
    ("Vård- och omsorgsförvaltningen", "municipal"),
    ("Kommunens förvaltningar (praktikplatser)", "municipal"),
    ("Handelskompaniet i Demokommunen AB", "employer"),
    ("Demo Bygg & Fastighet AB", "employer"),
    ("Studieförbundet Demo", "association"),
    ("Föreningen Kvinnokraft", "association"),
    ("ESF-projektet Vägen vidare", "project"),
    ("Samordningsförbundet Demo (Finsam)", "project"),
]

# code, name, category, provider, unit, capacity, cost/month, profession, target groups,
# description
MEASURES = [
    (
        "ATR-SECOND",
        "Arbetsträning Second hand",
        "ARBETSTRANING",
        "Returen second hand",
        "AME",
        20,
        4500,
        "Arbetshandledare",
        "Personer med försörjningsstöd som behöver stegvis träning i arbetslivets krav (AM2–AM3).",
        "Arbetsträning i butik, sortering och lager i kommunens second hand-butik Returen. "
        "Tid och arbetsuppgifter trappas upp efter deltagarens förmåga; handledaren gör en "
        "bedömning av arbetsförmåga var fjärde vecka.",
    ),
    (
        "ATR-SNICK",
        "Snickeriet",
        "ARBETSTRANING",
        "Arbetsmarknadsenheten – egen regi",
        "AME",
        12,
        6000,
        "Arbetsledare snickeri",
        "Personer med behov av extra stöd, gärna med intresse för praktiskt hantverk.",
        "Arbetsträning i snickeriverkstad: renovering av möbler, enklare byggnadssnickeri åt "
        "kommunens verksamheter. Arbetsmiljöutbildning och maskinkörkort ingår.",
    ),
    (
        "ATR-STAD",
        "Städ och lokalvård",
        "ARBETSTRANING",
        "Arbetsmarknadsenheten – egen regi",
        "AME",
        15,
        5000,
        "Arbetsledare lokalvård",
        "Personer som vill mot yrken inom lokalvård och service.",
        "Arbetsträning i lokalvård i kommunens lokaler med yrkesbevis i städ (SRY) som mål för "
        "de som når dit.",
    ),
    (
        "ATR-CAFE",
        "Arbetsträning kök och café",
        "ARBETSTRANING",
        "Arbetsmarknadsenheten – egen regi",
        "JOBBTORG",
        10,
        5200,
        "Kock/arbetshandledare",
        "Personer med försörjningsstöd, unga vuxna och nyanlända med intresse för restaurang.",
        "Arbetsträning i enhetens café med lunchservering; hygienutbildning ingår.",
    ),
    (
        "JOBBCOACH",
        "Jobbcoachning",
        "JOBBSOK",
        "Arbetsmarknadsenheten – egen regi",
        "AME",
        60,
        2500,
        "Jobbcoach",
        "Alla arbetssökande som står nära arbetsmarknaden (AM1–AM2).",
        "Individuell coachning med CV, personligt brev, intervjuträning och kontakt med "
        "arbetsgivare. Minst ett möte i veckan.",
    ),
    (
        "JOBBSOK-GRUPP",
        "Jobbsökargrupp",
        "JOBBSOK",
        "Arbetsmarknadsenheten – egen regi",
        "JOBBTORG",
        24,
        1500,
        "Jobbcoach",
        "Arbetssökande som klarar gruppverksamhet.",
        "Gruppverksamhet två förmiddagar i veckan under sex veckor: arbetsmarknadskunskap, "
        "digitalt jobbsökande och intervjuträning.",
    ),
    (
        "KURS-SFA",
        "Svenska för arbetslivet",
        "KURS",
        "Demokommunens vuxenutbildning",
        "AME",
        30,
        3000,
        "Lärare i svenska som andraspråk",
        "Nyanlända och andra med behov av yrkessvenska.",
        "Språkutbildning med arbetsplatsanknutna moment, kombineras med praktik eller "
        "arbetsträning.",
    ),
    (
        "KURS-DIGITAL",
        "Digital vardag",
        "KURS",
        "Studieförbundet Demo",
        "JOBBTORG",
        16,
        1800,
        "Cirkelledare",
        "Personer som behöver grundläggande digital kompetens för att söka arbete.",
        "Studiecirkel om e-legitimation, e-post, jobbsajter och digitala möten.",
    ),
    (
        "KURS-KVINNOKRAFT",
        "Språk och hälsa för kvinnor",
        "KURS",
        "Föreningen Kvinnokraft",
        "AME",
        15,
        2000,
        "Projektledare",
        "Utrikes födda kvinnor långt från arbetsmarknaden.",
        "Idéburet partnerskap (IOP): samhällsorientering, hälsa och svenska i grupp.",
    ),
    (
        "MATCH",
        "Matchning mot arbetsgivare",
        "MATCHNING",
        "Arbetsmarknadsenheten – egen regi",
        "JOBBTORG",
        40,
        2000,
        "Arbetsgivarkontakt",
        "Arbetssökande som är redo för anställning (AM1–AM2).",
        "Matchning mot lediga platser, nystartsjobb och lönebidrag hos privata och offentliga "
        "arbetsgivare.",
    ),
    (
        "MATCH-HANDEL",
        "Praktik och matchning i handel",
        "MATCHNING",
        "Handelskompaniet i Demokommunen AB",
        "JOBBTORG",
        8,
        1500,
        "Handledare i butik",
        "Arbetssökande med intresse för handel och lager.",
        "Praktik med målet anställning i butik och lager hos lokal arbetsgivare.",
    ),
    (
        "JOBBSPAR-BARN",
        "Jobbspår barnskötare",
        "MATCHNING",
        "Barn- och utbildningsförvaltningen",
        "AME",
        12,
        7500,
        "Jobbspårsamordnare",
        "Arbetssökande med intresse för förskola; godkänd svenska som andraspråk grund.",
        "Jobbspår med förskolorna: 16 veckors utbildning (barnskötarkurser via vuxenutbildningen) "
        "varvat med praktik. Mål: 80 % fullföljer och går vidare till arbete eller studier.",
    ),
    (
        "JOBBSPAR-VARD",
        "Jobbspår vårdbiträde",
        "MATCHNING",
        "Vård- och omsorgsförvaltningen",
        "AME",
        12,
        7500,
        "Jobbspårsamordnare",
        "Arbetssökande med intresse för äldreomsorg.",
        "Jobbspår med äldreomsorgen: vårdbiträdesutbildning, språkstöd och praktik, anställning "
        "som timvikarie eller vårdbiträde för de som fullföljer.",
    ),
    (
        "JOBBSPAR-BYGG",
        "Jobbspår fastighetsskötsel",
        "MATCHNING",
        "Demo Bygg & Fastighet AB",
        "JOBBTORG",
        8,
        6500,
        "Jobbspårsamordnare",
        "Arbetssökande med intresse för fastighet och utemiljö.",
        "Utbildning och praktik med kommunens fastighetsbolag och lokala entreprenörer.",
    ),
    (
        "PRAKTIK-KOMMUN",
        "Arbetspraktik i kommunal verksamhet",
        "PRAKTIK",
        "Kommunens förvaltningar (praktikplatser)",
        "AME",
        40,
        1500,
        "Handledare på arbetsplatsen",
        "Arbetssökande som behöver arbetslivserfarenhet och referenser.",
        "Praktik i förskola, äldreomsorg, kök, bibliotek, park och fastighet.",
    ),
    (
        "VAGLEDNING",
        "Studie- och yrkesvägledning",
        "VAGLEDNING",
        "Arbetsmarknadsenheten – egen regi",
        "AME",
        30,
        1200,
        "Studie- och yrkesvägledare",
        "Alla deltagare som behöver pröva studier eller yrkesval.",
        "Individuell vägledning, studiebesök och ansökan till vuxenutbildning.",
    ),
    (
        "VAGLEDNING-UNG",
        "Motivation och vägledning unga",
        "VAGLEDNING",
        "Arbetsmarknadsenheten – egen regi",
        "UNG",
        25,
        1500,
        "Studie- och yrkesvägledare",
        "Unga inom det kommunala aktivitetsansvaret och unga vuxna 18–24 år.",
        "Motiverande samtal, återgång till studier och korta praktikperioder.",
    ),
    (
        "FINSAM-SAMSTEG",
        "Samsteg (Finsam)",
        "VAGLEDNING",
        "Samordningsförbundet Demo (Finsam)",
        "AME",
        15,
        3500,
        "Samordnare",
        "Personer med behov av samordnade insatser från flera myndigheter (AM3).",
        "Samordnad rehabilitering med Försäkringskassan, Arbetsförmedlingen och regionen.",
    ),
    (
        "ESF-VAGEN",
        "Vägen vidare (ESF)",
        "ARBETSTRANING",
        "ESF-projektet Vägen vidare",
        "AME",
        20,
        4000,
        "Projektcoach",
        "Långtidsarbetslösa 25+ och personer med NPF.",
        "Projekt med arbetsträning, friskvård och stöd i vardagen finansierat av Europeiska "
        "socialfonden.",
    ),
    (
        "EXTRATJANST",
        "Extratjänst",
        "ANSTALLNING",
        "Kommunens förvaltningar (praktikplatser)",
        "JOBBTORG",
        40,
        12000,
        "Arbetsgivarkontakt",
        "Långtidsarbetslösa och nyanlända som uppfyller Arbetsförmedlingens villkor.",
        "Subventionerad anställning i kommunal verksamhet (vård, skola, kultur). Kostnaden är "
        "kommunens nettokostnad efter statlig ersättning.",
    ),
    (
        "OSA",
        "Offentligt skyddat arbete (OSA)",
        "ANSTALLNING",
        "Kommunens förvaltningar (praktikplatser)",
        "AME",
        8,
        9000,
        "Arbetsgivarkontakt",
        "Personer med funktionsnedsättning som anvisas av Arbetsförmedlingen.",
        "Anställning med lönebidrag i kommunal verksamhet med stöd av handledare.",
    ),
    (
        "UNGDOMSJOBB",
        "Ungdomsjobb unga vuxna",
        "ANSTALLNING",
        "Kommunens förvaltningar (praktikplatser)",
        "UNG",
        30,
        11000,
        "Arbetsgivarkontakt",
        "Unga vuxna 18–29 år som riskerar långvarigt ekonomiskt bistånd.",
        "Sex månaders anställning med utbildning i arbetsledning, arbetsmiljö och bemötande; "
        "deltagarna handleder feriepraktikanter.",
    ),
    (
        "FERIE",
        "Feriepraktik",
        "FERIE",
        "Kommunens förvaltningar (praktikplatser)",
        "UNG",
        500,
        None,
        "Feriepraktiksamordnare",
        "Skolungdomar i årskurs 9 och gymnasiet år 1–2.",
        "Cirka 80 timmar under sommarlovet (upp till tre veckor) och 25–35 timmar på höstlovet.",
    ),
    (
        "VALIDERING-BARN",
        "Validering barnskötare",
        "VALIDERING",
        "Demokommunens vuxenutbildning",
        "AME",
        10,
        4000,
        "Valideringssamordnare",
        "Personer med erfarenhet av arbete med barn, i Sverige eller utomlands.",
        "Validering mot barnskötarkurserna med yrkesbevis och kompletterande kurser vid behov.",
    ),
    (
        "KOMPETENSKARTLAGGNING",
        "Kartläggning av tidigare förvärvad kompetens",
        "VALIDERING",
        "Arbetsmarknadsenheten – egen regi",
        "AME",
        20,
        1500,
        "Arbetsmarknadskonsulent",
        "Nyanlända och personer med utländsk utbildning eller yrkeserfarenhet.",
        "Kartläggning av utbildning och yrkeserfarenhet, bedömning av utländsk utbildning och "
        "plan för validering.",
    ),
]

# Where placements in measures with many workplaces take place.
WORKPLACES = {
    "PRAKTIK-KOMMUN": [
        "Förskolan Solrosen",
        "Äldreboendet Linden",
        "Stadsbiblioteket",
        "Parkförvaltningen",
        "Centralköket",
        "Fritidsgården Navet",
    ],
    "EXTRATJANST": [
        "Förskolan Lärkan",
        "Hemtjänst Norra",
        "Kulturhuset",
        "Grundskolan Ekbacken",
        "Simhallen",
    ],
    "OSA": ["Vaktmästeriet", "Kommunhusets reception", "Återvinningscentralen"],
    "UNGDOMSJOBB": ["Fritidsgården Navet", "Parkförvaltningen", "Kulturhuset"],
    "MATCH-HANDEL": ["Handelskompaniet Centrum", "Handelskompaniet lager"],
    "JOBBSPAR-BARN": ["Förskolan Solrosen", "Förskolan Lärkan", "Förskolan Ängen"],
    "JOBBSPAR-VARD": ["Äldreboendet Linden", "Hemtjänst Södra", "Korttidsboendet Björken"],
    "MATCH": ["Lokala arbetsgivare"],
}

# Measure weights per need category; unit and person attributes adjust them in the generator.
MEASURE_WEIGHTS_BY_NEED = {
    "AM1": {
        "JOBBCOACH": 30,
        "MATCH": 25,
        "MATCH-HANDEL": 8,
        "JOBBSPAR-BARN": 8,
        "JOBBSPAR-VARD": 8,
        "JOBBSPAR-BYGG": 5,
        "VAGLEDNING": 10,
        "EXTRATJANST": 6,
    },
    "AM2": {
        "JOBBCOACH": 16,
        "JOBBSOK-GRUPP": 8,
        "PRAKTIK-KOMMUN": 14,
        "EXTRATJANST": 12,
        "JOBBSPAR-BARN": 5,
        "JOBBSPAR-VARD": 6,
        "JOBBSPAR-BYGG": 3,
        "ATR-CAFE": 5,
        "MATCH": 8,
        "MATCH-HANDEL": 4,
        "VAGLEDNING": 6,
        "KURS-DIGITAL": 4,
        "ATR-STAD": 5,
    },
    "AM3": {
        "ATR-SECOND": 18,
        "ATR-SNICK": 10,
        "ATR-STAD": 10,
        "ATR-CAFE": 6,
        "ESF-VAGEN": 10,
        "FINSAM-SAMSTEG": 10,
        "OSA": 4,
        "KURS-KVINNOKRAFT": 5,
        "PRAKTIK-KOMMUN": 8,
        "EXTRATJANST": 6,
        "KURS-DIGITAL": 4,
    },
    "": {
        "JOBBCOACH": 30,
        "PRAKTIK-KOMMUN": 20,
        "ATR-SECOND": 15,
        "VAGLEDNING": 15,
        "EXTRATJANST": 10,
    },
}
YOUTH_MEASURES = {
    "VAGLEDNING-UNG": 35,
    "PRAKTIK-KOMMUN": 18,
    "JOBBCOACH": 12,
    "UNGDOMSJOBB": 12,
    "VAGLEDNING": 10,
    "ATR-CAFE": 6,
    "KURS-DIGITAL": 4,
    "FERIE": 3,
}
NEWLY_ARRIVED_MEASURES = {
    "KURS-SFA": 30,
    "KOMPETENSKARTLAGGNING": 15,
    "VALIDERING-BARN": 6,
    "KURS-KVINNOKRAFT": 6,
}

# ---------------------------------------------------------------------------------------------
# Texts
REFERRAL_REASONS = {
    "EKB": [
        "Arbetslös sedan ett år, uppbär försörjningsstöd. Uppdrag: kartläggning och insats mot "
        "arbete. Bedöms kunna arbeta heltid.",
        "Försörjningsstöd sedan sex månader. Har begränsad arbetslivserfarenhet i Sverige. "
        "Uppdrag: arbetsträning och stöd i jobbsökande.",
        "Ung vuxen med försörjningsstöd, avbrutna gymnasiestudier. Uppdrag: vägledning mot "
        "studier eller arbete.",
        "Långvarigt försörjningsstöd. Oklar arbetsförmåga, behöver arbetsprövning innan "
        "fortsatt planering.",
        "Nyligen avslutad etablering, fortsatt försörjningsstöd. Uppdrag: matchning mot arbete, "
        "gärna med språkstöd.",
    ],
    "AF": [
        "Anvisas enligt lokal överenskommelse (LÖK) till kommunal arbetsmarknadsinsats. "
        "Inskriven i jobb- och utvecklingsgarantin.",
        "Arbetsförmedlingen anvisar till extratjänst. Villkoren är kontrollerade.",
        "Behöver arbetspraktik för att få referenser i Sverige; deltar i program med "
        "aktivitetsstöd.",
    ],
    "KAA": [
        "Ungdom inom aktivitetsansvaret, har inte påbörjat gymnasiet. Uppdrag: motivation och "
        "vägledning tillbaka till studier.",
        "Har avbrutit gymnasiet, inga pågående aktiviteter. Önskar praktik.",
    ],
    "ETABLERING": [
        "Nyanländ, etableringsplan löper ut inom tre månader. Uppdrag: språkstöd och matchning.",
        "Nyanländ med yrkeserfarenhet från hemlandet. Uppdrag: kartläggning av kompetens och "
        "validering.",
    ],
    "VUXENHET": [
        "Pågående behandling via vuxenenheten, stabil sedan ett halvår. Uppdrag: strukturerad "
        "sysselsättning och arbetsträning.",
    ],
    "_": [
        "Behöver stöd att komma ut i arbete eller studier.",
        "Önskar stöd i att hitta praktik och på sikt anställning.",
    ],
}
ATTACHMENTS = [
    "Utredning ekonomiskt bistånd",
    "Läkarintyg",
    "Etableringsplan",
    "Betyg och intyg",
    "Samtycke till informationsutbyte",
]

INTAKE_NOTES = [
    "Inskrivningssamtal genomfört. Deltagaren berättar om tidigare arbete och önskemål. "
    "Informerat om insatser och samtycke.",
    "Första möte. Gick igenom remissen och deltagarens egen bild av sin situation. Bokat "
    "trepartssamtal.",
    "Inskrivning. Deltagaren är motiverad och vill snabbt ut i praktik. Kartläggning påbörjad.",
]
PROGRESS_NOTES = [
    "Uppföljningssamtal. Närvaron har varit god de senaste veckorna.",
    "Samtal med handledaren: deltagaren tar eget ansvar för arbetsuppgifterna.",
    "Deltagaren har sökt tre tjänster denna vecka, vi gick igenom personligt brev.",
    "Frånvaro två dagar p.g.a. sjukdom, sjukanmälan gjord enligt rutin.",
    "Diskuterat studier på komvux; deltagaren ska boka tid med studie- och yrkesvägledare.",
    "Trepartssamtal med socialsekreterare, planen justerad.",
    "Deltagaren har varit på anställningsintervju, väntar på besked.",
    "Kontakt med Arbetsförmedlingen angående förutsättningar för extratjänst.",
    "Deltagaren önskar byta praktikplats, vi undersöker alternativ inom förskola.",
    "Avstämning: delmålet om CV är uppnått.",
]
CLOSURE_NOTES = {
    "arbete": "Avslutas: deltagaren har fått anställning.",
    "studier": "Avslutas: deltagaren har påbörjat studier.",
    "annan_aktor": "Avslutas: överlämning till annan aktör enligt plan.",
    "ater": "Avslutas: uppdraget är slutfört och ärendet återgår till uppdragsgivaren.",
    "ohalsa": "Avslutas: deltagaren är sjukskriven och kan inte delta.",
    "avbrott": "Avslutas: deltagaren har inte medverkat trots flera påminnelser.",
    "ovrigt": "Avslutas av annan orsak, se anteckning.",
}
OVRIGT_CLOSURE_NOTE = "Deltagaren har flyttat utomlands för att ta hand om anhörig."

MEETING_NOTES = [
    "Gemensam genomgång av uppdraget och deltagarens mål.",
    "Vi kom överens om arbetsträning fyra dagar i veckan och uppföljning om åtta veckor.",
    "Remittenten informerades om kartläggningens resultat.",
]
MEETING_PARTICIPANTS = {
    "EKB": "Deltagare, konsulent, socialsekreterare",
    "AF": "Deltagare, konsulent, arbetsförmedlare",
    "KAA": "Deltagare, konsulent, KAA-samordnare, vårdnadshavare",
    "ETABLERING": "Deltagare, konsulent, etableringshandläggare, tolk",
    "_": "Deltagare, konsulent, remittent",
}

PLAN_SUMMARIES = [
    "Att inom ett år ha en anställning eller påbörjade studier.",
    "Att stärka arbetsförmågan och få en tydlig bild av vilket arbete som passar.",
    "Att bli självförsörjande genom arbete inom vård och omsorg.",
    "Att komma vidare till studier på komvux.",
]
GOALS = [
    (
        "Arbetsträna minst 20 timmar i veckan",
        ["Börja med 10 timmar i veckan", "Öka till 20 timmar efter sex veckor"],
    ),
    (
        "Ta fram CV och personligt brev",
        ["Skriva CV med stöd av coach", "Söka minst tre tjänster i veckan"],
    ),
    ("Förbättra svenska i arbetslivet", ["Delta i Svenska för arbetslivet", "Klara SFI kurs D"]),
    ("Pröva yrke inom förskola", ["Praktik fyra veckor", "Intervju med förskolechef"]),
    (
        "Utreda arbetsförmåga",
        ["Samordnat möte med Försäkringskassan", "Arbetsförmågebedömning från handledare"],
    ),
    ("Ansöka till studier", ["Möte med studie- och yrkesvägledare", "Skicka ansökan till komvux"]),
    ("Få körkort B", ["Klara teoriprovet", "Boka uppkörning"]),
]
PLAN_FOLLOWUP_NOTES = [
    "Planen följd upp med deltagaren. Delmålen går enligt plan.",
    "Uppföljning: närvaron har ökat, nästa steg är praktik.",
    "Uppföljning tillsammans med remittent; målet om studier kvarstår.",
]
# Reason for reopening and the closure reason the enrolment had before it was reopened.
REOPEN_REASONS = [
    (
        "Deltagaren återkom inom två veckor efter avslut; anställningen upphörde under "
        "provanställningen.",
        "ARBETE_UTAN_STOD",
    ),
    ("Avslutet registrerades av misstag på fel ärende.", "AVBROTT"),
]
OVERRIDE_REASONS = [
    "Deltagaren har tidigare haft kontakt med denna konsulent.",
    "Föreslagen konsulent har semester kommande veckor.",
]

# ---------------------------------------------------------------------------------------------
# Summer jobs (feriepraktik): applicants per season at the default size (Sundbyberg 2022:
# 663 applied, 639 valid, all valid offered, 552 started; 317 started in 2021).
YOUTH_SUMMER_APPLICANTS = {2021: 400, 2022: 663, 2023: 640, 2024: 610, 2025: 650, 2026: 630}
YOUTH_AUTUMN_APPLICANTS = {2022: 90, 2024: 110, 2025: 120, 2026: 100}
YOUTH_HOURLY_WAGE = {2021: 96, 2022: 98, 2023: 102, 2024: 106, 2025: 110, 2026: 113}
YOUTH_EMPLOYER_FEE = 1.1021  # reduced employer contributions for those under 19
YOUTH_EMPLOYERS = [
    ("Barn- och utbildningsförvaltningen", 30),
    ("Vård- och omsorgsförvaltningen", 25),
    ("Kultur- och fritidsförvaltningen", 18),
    ("Stadsbyggnadsförvaltningen", 10),
    ("Arbetsmarknadsförvaltningen", 7),
    ("Demo Bygg & Fastighet AB", 5),
    ("Föreningen Demo IF", 5),
]
YOUTH_SCHOOL_YEARS = {"9": 40, "GY1": 35, "GY2": 25}
