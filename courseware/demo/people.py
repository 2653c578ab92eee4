"""Synthetic people and organisations for demo data: European names (with their diacritics) and
public bodies of the kinds that take the course (cities, regions, grid operators, agencies)."""
from __future__ import annotations

import random
import unicodedata

# (given names, family names) per language area; a learner's name comes from one area, like
# their organisation's country, so "Zoë van der Berg" and "Łukasz Wiśniewski" read as real people.
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "nl": (("Anouk", "Bram", "Daan", "Eline", "Femke", "Joost", "Lotte", "Maarten", "Noëlle", "Sanne", "Thijs",
            "Zoë", "Sjoerd", "Ilse"),
           ("de Vries", "van den Berg", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Jong", "Mulder",
            "van Dijk", "Bosman", "Kuipers", "Hoekstra", "Verhoeven")),
    "de": (("Jürgen", "Anja", "Matthias", "Lena", "Jörg", "Katrin", "Tobias", "Sabine", "Björn", "Ute", "Felix",
            "Jana", "Sören", "Miriam"),
           ("Müller", "Schröder", "Weiß", "Krüger", "Hoffmann", "Schäfer", "Köhler", "Neumann", "Groß", "Böhm",
            "Fuchs", "Lehmann", "Wagner", "Günther")),
    "fr": (("Amélie", "Benoît", "Céline", "François", "Hélène", "Jérôme", "Léa", "Mathéo", "Océane", "Rémi",
            "Chloé", "Gaëlle", "Théo", "Inès"),
           ("Lefèvre", "Moreau", "Girard", "Dubois", "Bérenger", "Fontaine", "Chevalier", "Garnier", "Rousseau",
            "Lemaître", "Mercier", "Faure", "Gauthier", "Perrin")),
    "es": (("José", "María", "Andrés", "Lucía", "Íñigo", "Begoña", "Raúl", "Nuria", "Álvaro", "Sofía", "Jesús",
            "Ainhoa", "Óscar", "Marta"),
           ("García", "Fernández", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Jiménez", "Ruiz", "Muñoz",
            "Álvarez", "Domínguez", "Ibáñez", "Castaño")),
    "it": (("Giulia", "Niccolò", "Chiara", "Matteo", "Francesca", "Lorenzo", "Alessia", "Davide", "Federica",
            "Andrea", "Martina", "Tommaso"),
           ("Rossi", "Bianchi", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno",
            "Galli", "Conti", "De Luca", "Mancini")),
    "pl": (("Łukasz", "Agnieszka", "Paweł", "Małgorzata", "Michał", "Katarzyna", "Wojciech", "Żaneta",
            "Grzegorz", "Joanna", "Bartłomiej", "Ewa"),
           ("Wiśniewski", "Kowalczyk", "Wójcik", "Kamińska", "Lewandowski", "Zieliński", "Szymańska",
            "Dąbrowski", "Kozłowska", "Jankowski", "Mazur", "Krawczyk")),
    "cz": (("Jiří", "Tereza", "Tomáš", "Lucie", "Ondřej", "Kateřina", "Petr", "Markéta", "Vojtěch", "Zuzana"),
           ("Novák", "Dvořák", "Černý", "Procházková", "Kučera", "Veselá", "Horák", "Němcová", "Pokorný",
            "Růžička")),
    "nordic": (("Åsa", "Björn", "Sørine", "Mikkel", "Ingrid", "Lars", "Maja", "Jørgen", "Elin", "Øystein",
                "Annika", "Henrik"),
               ("Andersson", "Johansson", "Nørgaard", "Sørensen", "Lindqvist", "Østergaard", "Berg", "Hansen",
                "Ekström", "Nyström", "Dahl", "Halvorsen")),
    "pt": (("João", "Inês", "Gonçalo", "Mariana", "Tomás", "Beatriz", "Sebastião", "Leonor", "Rui", "Catarina"),
           ("Gonçalves", "Conceição", "Simões", "Magalhães", "Araújo", "Fernandes", "Lopes", "Gaspar", "Antunes",
            "Brandão")),
    "hu": (("Zsófia", "Bálint", "Eszter", "Gergő", "Réka", "Ádám", "Dóra", "Levente"),
           ("Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár", "Németh", "Farkas")),
    "hr": (("Ivana", "Luka", "Petra", "Matej", "Ana", "Domagoj", "Maša", "Nikola"),
           ("Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Novak", "Knežević", "Vuković", "Šimić", "Žagar")),
    "ro": (("Ioana", "Andrei", "Ștefania", "Mihai", "Alexandra", "Răzvan", "Elena", "Tudor"),
           ("Popescu", "Ionescu", "Dumitrescu", "Stănescu", "Constantin", "Munteanu", "Georgescu", "Țurcanu")),
}

# Places by language area, with the kinds of public body that might send staff to the course.
PLACES: dict[str, tuple[str, ...]] = {
    "nl": ("Utrecht", "Amsterdam", "Rotterdam", "Eindhoven", "Groningen", "Arnhem", "Zwolle", "Leiden"),
    "de": ("München", "Köln", "Düsseldorf", "Nürnberg", "Göttingen", "Freiburg im Breisgau", "Lübeck", "Dresden"),
    "fr": ("Grenoble", "Lyon", "Besançon", "Nîmes", "Orléans", "Rennes", "Strasbourg", "Saint-Étienne"),
    "es": ("Málaga", "Córdoba", "Valencia", "Zaragoza", "Bilbao", "A Coruña", "León", "Cádiz"),
    "it": ("Bologna", "Torino", "Firenze", "Bergamo", "Padova", "Genova", "Forlì", "Cantù"),
    "pl": ("Kraków", "Wrocław", "Gdańsk", "Łódź", "Poznań", "Białystok", "Toruń", "Rzeszów"),
    "cz": ("Brno", "Plzeň", "Ostrava", "České Budějovice", "Hradec Králové", "Olomouc"),
    "nordic": ("Göteborg", "Malmö", "Aarhus", "Odense", "Tromsø", "Linköping", "Ålborg", "Umeå"),
    "pt": ("Lisboa", "Porto", "Braga", "Évora", "Coimbra", "Setúbal"),
    "hu": ("Győr", "Pécs", "Debrecen", "Szeged", "Székesfehérvár"),
    "hr": ("Zagreb", "Rijeka", "Osijek", "Split", "Šibenik"),
    "ro": ("Cluj-Napoca", "Timișoara", "Iași", "Brașov", "Constanța"),
}
REGIONS: dict[str, tuple[str, ...]] = {
    "nl": ("Noord-Brabant", "Gelderland", "Friesland"), "de": ("Baden-Württemberg", "Thüringen", "Sachsen"),
    "fr": ("Auvergne-Rhône-Alpes", "Île-de-France", "Occitanie"), "es": ("Andalucía", "Aragón", "País Vasco"),
    "it": ("Emilia-Romagna", "Piemonte", "Lombardia"), "pl": ("Małopolska", "Pomorze", "Śląsk"),
    "cz": ("Jihomoravský kraj", "Vysočina"), "nordic": ("Skåne", "Midtjylland", "Västra Götaland"),
    "pt": ("Alentejo", "Norte"), "hu": ("Győr-Moson-Sopron", "Baranya"), "hr": ("Istria", "Dalmatia"),
    "ro": ("Transilvania", "Banat"),
}
GRID_OPERATORS: dict[str, tuple[str, ...]] = {
    "nl": ("Stedin", "Enexis", "Liander"), "de": ("Netze BW", "Bayernwerk Netz", "SachsenNetze"),
    "fr": ("Enedis Alpes", "Gérédis"), "es": ("i-DE Redes", "Distribuidora Eléctrica del Sur"),
    "it": ("Unareti", "Areti"), "pl": ("Tauron Dystrybucja", "Energa-Operator"), "cz": ("EG.D", "PREdistribuce"),
    "nordic": ("Ellevio", "Radius Elnet", "Elvia"), "pt": ("E-Redes Norte",), "hu": ("ELMŰ Hálózat",),
    "hr": ("HEP ODS",), "ro": ("Rețele Electrice Banat",),
}

CITY_KIND_BY_AREA = {"nl": "Gemeente {place}", "de": "Stadt {place}", "fr": "Ville de {place}",
                     "es": "Ayuntamiento de {place}", "it": "Comune di {place}"}
OTHER_KINDS = (
    ("{place} public transport authority", 3),
    ("{place} energy agency", 3),
    ("{place} parking company", 2),
    ("{place} metropolitan area", 2),
)


def organisations(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` distinct (organisation, language area) pairs: mostly cities, then regions, grid
    operators (DSOs) and other public bodies."""
    areas = list(PLACES)
    found: dict[str, str] = {}
    attempts = 0
    while len(found) < count and attempts < count * 50:
        attempts += 1
        area = rng.choice(areas)
        roll = rng.random()
        if roll < 0.55:
            kind = CITY_KIND_BY_AREA.get(area) if rng.random() < 0.4 else None
            name = (kind or rng.choice(("City of {place}", "Municipality of {place}", "{place} City Council"))
                    ).format(place=rng.choice(PLACES[area]))
        elif roll < 0.72:
            name = rng.choice(("Region {region}", "{region} Regional Authority", "Province of {region}")
                              ).format(region=rng.choice(REGIONS[area]))
        elif roll < 0.87:
            name = f"{rng.choice(GRID_OPERATORS[area])} grid operator (DSO)"
        else:
            pattern = rng.choices([k for k, _ in OTHER_KINDS], weights=[w for _, w in OTHER_KINDS])[0]
            name = pattern.format(place=rng.choice(PLACES[area]))
        found.setdefault(name, area)
    return list(found.items())


def person(rng: random.Random, area: str) -> str:
    # One learner in five works abroad or has a name from elsewhere.
    if rng.random() < 0.2:
        area = rng.choice(list(NAMES))
    given, family = NAMES[area]
    return f"{rng.choice(given)} {rng.choice(family)}"


_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "đ": "d"})


def email_local_part(name: str) -> str:
    """'Łukasz Wiśniewski' -> 'lukasz.wisniewski': ASCII, as most mail systems hand out."""
    folded = unicodedata.normalize("NFKD", name.translate(_FOLD))
    ascii_only = "".join(c for c in folded if c.isascii())
    return ".".join(part for part in "".join(c if c.isalnum() else " " for c in ascii_only).lower().split())
