"""The demonstration's fixed data: the desk, its accounts and places, and what its people are like.

Names, communes, target groups and needs are weighted to look like a France Services point
east of Lyon; the known people are in every demo so that the documentation's examples find
someone.
"""

from __future__ import annotations

from datetime import date

from passdesk.models import Role
from passdesk.services.places import PlaceInput

PASSWORD = "demo-passdesk"
DESK = {
    "name": "France Services Vaulx-en-Velin",
    "address": "12 avenue Gabriel-Péri",
    "postcode": "69120",
    "commune": "Vaulx-en-Velin",
}
# (login, display name, role); the administrator is created with the desk.
ACCOUNTS = (
    ("admin", "Sophie Marchand", Role.ADMIN),
    ("karim.haddad", "Karim Haddad", Role.SUPERVISOR),
    ("lucie.moreau", "Lucie Moreau", Role.AGENT),
    ("thomas.nguyen", "Thomas Nguyen", Role.AGENT),
)
SUPERVISOR = "karim.haddad"
COUNTER_AGENTS = (("lucie.moreau", 45), ("thomas.nguyen", 45), ("karim.haddad", 10))
RECEIPT_FOOTER = (
    "France Services Vaulx-en-Velin – du lundi au vendredi, 8 h 45-12 h et 13 h 30-17 h 30"
)

PLACES = (
    PlaceInput(
        "Médiathèque Marie-Curie", "4 place de la Nation", "69120", "Vaulx-en-Velin",
        "04 72 00 10 20", "mediatheque@example.org", "https://mediatheque.example.org",
        "Tu-Fr 10:00-12:00,14:00-18:30; Sa 10:00-17:00",
        ("Maîtrise des outils numériques du quotidien", "Accès internet et matériel informatique",
         "Loisirs et créations numériques"),
    ),
    PlaceInput(
        "Espace public numérique La Passerelle", "18 rue Jules-Romains", "69120", "Vaulx-en-Velin",
        "04 72 00 11 30", "epn.passerelle@example.org", "",
        "Mo-Fr 09:00-12:00,13:30-17:30",
        ("Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien",
         "Utilisation sécurisée du numérique"),
    ),
    PlaceInput(
        "Centre social Jacques-Prévert", "2 rue Louis-Duclos", "69120", "Vaulx-en-Velin",
        "04 72 00 12 40", "", "", "Mo-Th 09:00-12:00,14:00-18:00; Fr 09:00-12:00",
        ("Aide aux démarches administratives", "Parentalité et éducation avec le numérique"),
    ),
    PlaceInput(
        "Maison de l'emploi et de la formation", "35 boulevard Émile-Zola", "69100", "Villeurbanne",
        "04 78 00 13 50", "contact.mef@example.org", "https://mef.example.org",
        "Mo-Fr 08:30-12:30,13:30-17:00",
        ("Insertion professionnelle via le numérique", "Aide aux démarches administratives"),
    ),
    PlaceInput(
        "Fab lab La Soie", "7 rue de la Poudrette", "69100", "Villeurbanne",
        "04 78 00 14 60", "bonjour@fablab.example.org", "https://fablab.example.org",
        "We-Sa 14:00-19:00",
        ("Loisirs et créations numériques", "Compréhension et maîtrise des outils numériques"),
    ),
    PlaceInput(
        "Médiathèque du Tonkin", "1 promenade du Lac", "69100", "Villeurbanne",
        "04 78 00 15 70", "", "", "Tu-Sa 10:00-18:00",
        ("Maîtrise des outils numériques du quotidien", "Accès internet et matériel informatique"),
    ),
    PlaceInput(
        "Connect'Ensemble – solidarité numérique", "21 avenue Franklin-Roosevelt", "69500", "Bron",
        "04 78 00 16 80", "accueil@connectensemble.example.org", "",
        "Mo-Fr 09:30-12:30,14:00-17:30",
        ("Acquisition de matériel informatique à prix solidaire",
         "Accès internet et matériel informatique", "Utilisation sécurisée du numérique"),
    ),
    PlaceInput(
        "PIMMS Médiation Lyon Est", "9 rue Paul-Bert", "69200", "Vénissieux",
        "04 78 00 17 90", "pimms@example.org", "", "Mo-Fr 08:30-12:00,13:30-17:00",
        ("Aide aux démarches administratives", "Utilisation sécurisée du numérique"),
    ),
    PlaceInput(
        "Cyber-base de Saint-Priest", "3 place Charles-Ottina", "69800", "Saint-Priest",
        "04 78 00 18 10", "", "", "Mo,We,Fr 14:00-18:00",
        ("Maîtrise des outils numériques du quotidien",
         "Compréhension et maîtrise des outils numériques"),
    ),
    PlaceInput(
        "Mission locale – Point numérique jeunes", "14 rue Camille-Pelletan", "69150",
        "Décines-Charpieu", "04 78 00 19 20", "ml.numerique@example.org", "",
        "Mo-Fr 09:00-12:00,13:30-17:00",
        ("Insertion professionnelle via le numérique", "Aide aux démarches administratives"),
    ),
    PlaceInput(
        "Ressourcerie informatique Solidaire", "40 chemin de la Rize", "69140", "Rillieux-la-Pape",
        "04 78 00 20 30", "", "", "Tu,Th 10:00-17:00; Sa 09:00-12:00",
        ("Acquisition de matériel informatique à prix solidaire",),
    ),
    PlaceInput(
        "Bibliothèque municipale du 8e", "5 place du 8-Mai-1945", "69008", "Lyon",
        "04 78 00 21 40", "", "https://bm8.example.org", "Tu-Sa 10:00-19:00",
        ("Maîtrise des outils numériques du quotidien", "Loisirs et créations numériques",
         "Parentalité et éducation avec le numérique"),
    ),
)  # fmt: skip

# Where the desk's people live: (postcode, commune, weight).
COMMUNES = (
    ("69120", "Vaulx-en-Velin", 30), ("69100", "Villeurbanne", 20), ("69500", "Bron", 8),
    ("69200", "Vénissieux", 8), ("69150", "Décines-Charpieu", 6), ("69140", "Rillieux-la-Pape", 5),
    ("69800", "Saint-Priest", 5), ("69003", "Lyon", 4), ("69008", "Lyon", 4),
    ("69330", "Meyzieu", 3), ("69300", "Caluire-et-Cuire", 3), ("69190", "Saint-Fons", 3),
    ("69680", "Chassieu", 2), ("69740", "Genas", 2), ("69960", "Corbas", 1),
)  # fmt: skip
# Names Faker's fr_FR lists lack: apostrophes, particles and the desk's actual public.
EXTRA_LAST_NAMES = (
    "N'Diaye", "N'Guessan", "N'Dour", "D'Almeida", "D'Angelo", "D'Hondt", "Le Floc'h",
    "Le Bihan", "Diallo", "Traoré", "Diop", "Camara", "Koné", "Cissé", "Benali", "Belkacem",
    "Haddad", "Mansouri", "Bouaziz", "Hamidi", "Nguyen", "Tran", "Pham", "Yılmaz", "Kowalski",
    "Saint-Jean", "Ould Ahmed", "Da Cruz", "Benoît", "Lefèvre",
)  # fmt: skip
EXTRA_FEMALE = (
    "Fatoumata", "Aïcha", "Inès", "Yasmine", "Maëlys", "Noémie", "Chloé", "Zoé", "Océane",
    "Lina", "Hélène", "Élodie", "Thi Hoa", "Nadège",
)  # fmt: skip
EXTRA_MALE = (
    "Mamadou", "Moussa", "Mehdi", "Rayan", "Sofiane", "Kévin", "Loïc", "Noé", "Anh", "Yanis",
    "Théo", "Jérôme", "Grégoire", "Anthony",
)  # fmt: skip
# (target group, weight, youngest, oldest); priority groups are more than half, as the 2020 call
# asked.
GROUPS = (
    ("young_no_qualification", 30, 16, 25),
    ("jobseeker_no_diploma", 25, 26, 60),
    ("senior", 22, 62, 92),
    ("social_minima", 13, 25, 65),
    ("disability", 5, 20, 70),
    ("other", 5, 18, 80),
)
# How likely each need is ticked, by group (in DIAGNOSTIC_NEEDS order).
NEEDS_BY_GROUP = {
    "young_no_qualification": (0.45, 0.30, 0.75, 0.30, 0.25),
    "jobseeker_no_diploma": (0.60, 0.45, 0.80, 0.25, 0.15),
    "senior": (0.70, 0.75, 0.02, 0.35, 0.40),
    "social_minima": (0.80, 0.50, 0.40, 0.30, 0.15),
    "disability": (0.65, 0.55, 0.30, 0.40, 0.20),
    "other": (0.50, 0.55, 0.20, 0.25, 0.25),
}
# People placed in every demo so that the documentation's examples find someone.
KNOWN_PEOPLE = (
    ("N'Diaye", "Hélène", date(1985, 4, 12), "69100", "Villeurbanne", "jobseeker_no_diploma"),
    ("Le Goff", "Jean-Pierre", date(1949, 9, 3), "69120", "Vaulx-en-Velin", "senior"),
    ("D'Almeida", "Marie-Ève", date(1978, 1, 27), "69500", "Bron", "social_minima"),
    ("Lefèvre-Dubois", "Françoise", date(1957, 6, 30), "69120", "Vaulx-en-Velin", "senior"),
    ("N'Diaye", "Mamadou", date(2006, 11, 8), "69200", "Vénissieux", "young_no_qualification"),
)
SAME_DAY_REASONS = (
    "La personne préfère revenir avec ses justificatifs",
    "Erreur de saisie : mauvais bénéficiaire sélectionné",
    "Carnet remis par erreur, la personne n'en voulait pas aujourd'hui",
)
LATE_REASONS = (
    "Doublon : la personne avait déjà reçu un carnet dans un autre guichet",
    "Remise enregistrée par erreur, carnet non retrouvé",
    "La personne a quitté la métropole, carnet non utilisable",
)
OVERRIDE_REASONS = (
    "Accompagnement long validé par le référent (formation de plusieurs semaines)",
    "Deuxième carnet pour finir le parcours démarches en ligne, accord du référent",
)
