"""Tables of plausible names, places and codes for the synthetic CTF generator.

Every name here is common in Wales or England and identifies nobody; the generator
combines them at random, so any resemblance of a synthetic pupil to a real child is
chance. Towns carry their real postcode districts, telephone area codes and local
authority numbers, so that a synthetic file looks like one a school would send.
"""

from __future__ import annotations

from dataclasses import dataclass

# The name tables are packed by hand, several names to a line.
# fmt: off
WELSH_GIRLS = (
    "Cerys", "Seren", "Ffion", "Mali", "Elin", "Megan", "Nia", "Lowri", "Catrin",
    "Gwen", "Alaw", "Efa", "Lleucu", "Manon", "Sioned", "Angharad", "Bethan", "Non",
    "Heledd", "Mared", "Nest", "Tegan", "Eirlys", "Myfanwy", "Llinos", "Carys",
    "Delyth", "Eira", "Hafwen", "Rhiannon", "Siwan", "Tirion", "Anwen",
)
WELSH_BOYS = (
    "Rhys", "Dafydd", "Osian", "Gwion", "Iolo", "Cai", "Ifan", "Macsen", "Tomos",
    "Elis", "Steffan", "Owain", "Gethin", "Huw", "Aled", "Bryn", "Emrys", "Garmon",
    "Hedd", "Ianto", "Llew", "Morgan", "Tudur", "Deio", "Cynan", "Guto", "Islwyn",
    "Meilyr", "Peredur", "Trystan", "Geraint", "Idris", "Rhodri",
)
ENGLISH_GIRLS = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie",
    "Sophia", "Grace", "Freya", "Willow", "Florence", "Emily", "Ella", "Poppy", "Evie",
    "Charlotte", "Sienna", "Daisy", "Phoebe", "Evelyn", "Harper", "Ruby", "Alice",
    "Matilda", "Chloe", "Jessica", "Hannah", "Zara", "Amira", "Maya",
)
ENGLISH_BOYS = (
    "Oliver", "George", "Noah", "Arthur", "Muhammad", "Leo", "Oscar", "Harry", "Archie",
    "Jack", "Henry", "Charlie", "Freddie", "Theodore", "Thomas", "Finley", "Theo",
    "Alfie", "Jacob", "Ethan", "Joshua", "James", "William", "Samuel", "Isaac", "Max",
    "Daniel", "Joseph", "Lucas", "Harrison", "Adam", "Yusuf", "Ali",
)
WELSH_SURNAMES = (
    "Jones", "Davies", "Williams", "Evans", "Thomas", "Roberts", "Hughes", "Lewis",
    "Morgan", "Griffiths", "Rees", "Llywelyn", "ap Rhys", "Pritchard", "Prosser",
    "Bowen", "Price", "Parry", "Vaughan", "Jenkins", "Owen", "Powell", "Phillips",
    "Howells", "Lloyd", "Edwards", "Pugh", "Watkins", "Gruffydd", "Meredith", "Bevan",
    "Probert", "Jarman", "ab Owain", "Cadwaladr", "Gwyn", "Humphreys",
)
ENGLISH_SURNAMES = (
    "Smith", "Brown", "Taylor", "Wilson", "Johnson", "White", "Martin", "Anderson",
    "Walker", "Wright", "Robinson", "Thompson", "Wood", "Hall", "Green", "Clarke",
    "Jackson", "Harris", "Turner", "Hill", "Cooper", "Ward", "Baker", "Moore",
    "King", "Allen", "Carter", "Mitchell", "O'Brien", "Fletcher", "Shaw", "Khan",
    "Patel", "Ahmed", "Begum", "Kowalski", "Nowak", "Hussain", "Fox", "Hart",
)
ADULT_WOMEN = (
    "Sarah", "Rachel", "Emma", "Claire", "Nicola", "Helen", "Kate", "Laura", "Sian",
    "Rhian", "Nia", "Ceri", "Gemma", "Lisa", "Joanne", "Amy", "Eleri", "Nerys",
    "Hayley", "Kirsty", "Donna", "Ffion", "Bethan", "Susan", "Margaret", "Gwenllian",
)
ADULT_MEN = (
    "David", "Mark", "Gareth", "Rhodri", "Iwan", "Paul", "Andrew", "Richard", "Craig",
    "Steven", "Dylan", "Huw", "Gavin", "Lee", "Matthew", "Christopher", "Alun", "Emyr",
    "Wyn", "John", "Robert", "Peter", "Michael", "Dafydd",
)
STREET_NAMES = (
    "Heol y Coleg", "Ffordd y Môr", "Stryd Fawr", "Heol Pant", "Lôn Goed",
    "Maes y Dderwen", "Cae Bryn", "Heol Eglwys", "Ffordd Penrhos", "Bryn Glas",
    "Church Street", "High Street", "Station Road", "Victoria Road", "Park Avenue",
    "Mill Lane", "The Crescent", "Meadow Close", "Oak Drive", "Castle Street",
    "Chapel Road", "Queen Street", "Brook Street", "Orchard Way", "Windsor Road",
    "Heol y Nant", "Y Waun", "Maes Gwyn", "Tan y Bryn", "Rhodfa",
)
HOUSE_NAMES = (
    "Bryn Awel", "Tŷ Gwyn", "Hafod", "Pen y Bryn", "Awelfa", "Glan yr Afon",
    "Rose Cottage", "The Old Rectory", "Ivy House", "Bron Haul", "Llys Teg",
    "Min y Môr", "The Laurels", "Maesteg House", "Ael y Bryn",
)
FLAT_NAMES = (
    "Flat 1", "Flat 2", "Flat 3", "Flat A", "Flat B", "Top Flat",
)
# Domains reserved for examples, so that no synthetic address reaches a real inbox.
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
TITLES_FEMALE = (
    "Mrs", "Ms", "Miss", "Dr",
)
TITLES_MALE = (
    "Mr", "Mr", "Mr", "Dr",
)


@dataclass(frozen=True)
class Town:
    """A town with its real postcode districts, telephone code and authority."""

    name: str
    postcode_districts: tuple[str, ...]
    phone_code: str
    county: str
    la: str
    localities: tuple[str, ...] = ()


WELSH_TOWNS = (
    Town("Cardiff", ("CF5", "CF11", "CF14", "CF23", "CF24"), "029", "", "681",
         ("Canton", "Llandaf", "Rhiwbeina", "Splott", "Pentwyn")),
    Town("Swansea", ("SA1", "SA2", "SA5", "SA6"), "01792", "", "670",
         ("Sketty", "Morriston", "Townhill", "Uplands")),
    Town("Newport", ("NP19", "NP20"), "01633", "", "680", ("Maindee", "Caerleon")),
    Town("Caernarfon", ("LL54", "LL55"), "01286", "Gwynedd", "661",
         ("Bontnewydd", "Llanrug", "Waunfawr")),
    Town("Bangor", ("LL57",), "01248", "Gwynedd", "661", ("Penrhosgarnedd",)),
    Town("Aberystwyth", ("SY23",), "01970", "Ceredigion", "667",
         ("Penparcau", "Llanbadarn Fawr")),
    Town("Carmarthen", ("SA31",), "01267", "Carmarthenshire", "669",
         ("Johnstown", "Llangain")),
    Town("Llanelli", ("SA14", "SA15"), "01554", "Carmarthenshire", "669",
         ("Felinfoel", "Pwll")),
    Town("Wrexham", ("LL11", "LL12", "LL13"), "01978", "", "665",
         ("Rhosllanerchrugog", "Gwersyllt")),
    Town("Llangefni", ("LL77",), "01248", "Isle of Anglesey", "660", ()),
    Town("Llandudno", ("LL30",), "01492", "Conwy", "662", ("Craig-y-Don",)),
    Town("Rhyl", ("LL18",), "01745", "Denbighshire", "663", ()),
    Town("Mold", ("CH7",), "01352", "Flintshire", "664", ()),
    Town("Brecon", ("LD3",), "01874", "Powys", "666", ("Llanfaes",)),
    Town("Haverfordwest", ("SA61", "SA62"), "01437", "Pembrokeshire", "668", ()),
    Town("Neath", ("SA10", "SA11"), "01639", "", "671", ("Cimla", "Skewen")),
    Town("Bridgend", ("CF31",), "01656", "", "672", ("Brackla",)),
    Town("Barry", ("CF62", "CF63"), "01446", "Vale of Glamorgan", "673", ()),
    Town("Pontypridd", ("CF37",), "01443", "", "674", ("Treforest", "Cilfynydd")),
    Town("Merthyr Tydfil", ("CF47", "CF48"), "01685", "", "675", ("Dowlais",)),
    Town("Caerphilly", ("CF83",), "029", "", "676", ("Energlyn",)),
    Town("Ebbw Vale", ("NP23",), "01495", "", "677", ()),
    Town("Pontypool", ("NP4",), "01495", "", "678", ("Griffithstown",)),
    Town("Monmouth", ("NP25",), "01600", "Monmouthshire", "679", ()),
)
ENGLISH_TOWNS = (
    Town("Bristol", ("BS3", "BS5", "BS7", "BS16"), "0117", "", "801",
         ("Bedminster", "Easton", "Horfield", "Fishponds")),
    Town("Dorchester", ("DT1", "DT2"), "01305", "Dorset", "838",
         ("Charminster", "Puddletown")),
    Town("Yeovil", ("BA20", "BA21", "BA22"), "01935", "Somerset", "933",
         ("Preston Plucknett",)),
    Town("Gloucester", ("GL1", "GL2", "GL4"), "01452", "Gloucestershire", "916",
         ("Tuffley", "Quedgeley")),
    Town("Hereford", ("HR1", "HR2", "HR4"), "01432", "Herefordshire", "884", ()),
    Town("Shrewsbury", ("SY1", "SY2", "SY3"), "01743", "Shropshire", "893", ()),
    Town("Chester", ("CH1", "CH2", "CH3", "CH4"), "01244", "Cheshire", "896",
         ("Hoole", "Upton")),
    Town("Birmingham", ("B13", "B14", "B29", "B30"), "0121", "", "330",
         ("Moseley", "Kings Heath", "Selly Oak")),
    Town("Liverpool", ("L15", "L17", "L18"), "0151", "", "341",
         ("Wavertree", "Aigburth")),
    Town("Bath", ("BA1", "BA2"), "01225", "", "800", ("Combe Down",)),
)

# Codes seen in real CTF files and in the DfE Common Basic Data Set.
ETHNICITIES = (
    ("WBRI", 50), ("WOTH", 6), ("WIRI", 1), ("WPOL", 2), ("MWBC", 3), ("MWBA", 2),
    ("MOTH", 2), ("AIND", 2), ("APKN", 3), ("ABAN", 1), ("BAFR", 3), ("BCRB", 1),
    ("CHNE", 1), ("OOTH", 1), ("REFU", 1), ("NOBT", 1),
)
LANGUAGES = (("ENG", 85), ("WEL", 10), ("POL", 2), ("URD", 1), ("ARA", 1), ("PAN", 1))
SEN_TYPES = (
    "SLCN", "SPLD", "MLD", "ASD", "SEMH", "PD", "HI", "VI", "MSI", "OTH",
)
DISABILITIES = (
    "NCOL", "MOB", "HAND", "PC", "VIS", "HEAR",
)
LEAVING_REASONS = (
    "IM", "OR", "PM", "ST", "MV",
)
RELATIONSHIPS_MOTHER = (
    "PAM", "PAM", "PAM", "CAR", "FOS",
)
RELATIONSHIPS_FATHER = (
    "PAF", "PAF", "PAF", "STF", "FOS",
)
RELATIONSHIPS_OTHER = (
    "OTH", "REL", "GRM", "GRF", "DOC",
)
WELSH_SPEAKING = (
    "F", "N", "W", "Z",
)
HOME_WELSH = (
    "A", "S", "N", "C",
)
NATIONAL_IDENTITIES = (
    "WAL", "WAL", "BRI", "ENG", "OTH",
)
SCHOOL_NAME_PARTS_WELSH = (
    "Ysgol Gymraeg", "Ysgol Gynradd", "Ysgol Bro", "Ysgol Gyfun",
)
SCHOOL_NAME_PARTS_ENGLISH = (
    "Primary School", "Community Primary", "CE Primary", "Junior School", "Academy",
)
