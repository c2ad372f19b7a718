"""Finnish and Swedish passwords that guessing tools try first, besides zxcvbn's English lists.

Each is a stem: a password that is one of them with digits or punctuation after it ("salasana1", "kesä2026",
"hej123!") is refused as well.
"""

STEMS = frozenset(
    {
        # Finnish
        "salasana", "salasanani", "tunnussana", "kesä", "kesa", "talvi", "kevät", "kevat", "syksy", "joulu",
        "moi", "moikka", "hei", "terve", "tervetuloa", "kiitos", "perkele", "suomi", "suomi100", "finland",
        "helsinki", "tampere", "turku", "espoo", "vantaa", "oulu", "jyväskylä", "kuopio", "aurinko", "kuu",
        "kissa", "koira", "rakkaus", "rakastan", "äiti", "isä", "mansikka", "mustikka", "sauna", "sisu",
        "jääkiekko", "leijona", "leijonat", "hyvä", "hyvää", "kalle", "matti", "pekka", "maija", "liisa",
        "vaihda", "vaihdasalasana", "käyttäjä", "kayttaja", "tunnus",
        # Swedish
        "lösenord", "losenord", "lösen", "losen", "lösenordet", "sommar", "vinter", "vår", "var", "höst",
        "host", "jul", "hej", "hejsan", "hejhej", "tjena", "tjenare", "välkommen", "valkommen", "tack",
        "sverige", "svenska", "stockholm", "göteborg", "goteborg", "malmö", "malmo", "uppsala", "vasa",
        "katt", "katten", "hund", "hunden", "kärlek", "karlek", "älskar", "alskar", "mamma", "pappa",
        "fotboll", "hockey", "solen", "blomma", "byt", "bytmig",
        "användare", "anvandare",
        # Keyboards and sequences on Nordic layouts
        "qwerty", "qwertyu", "qwertyui", "qwertyuiop", "qwertyuiopå", "asdfgh", "asdfghjkl", "asdfghjklöä",
        "zxcvbn", "zxcvbnm", "1q2w3e4r", "1qaz2wsx", "abc", "abcd", "abcdefgh", "password", "passw0rd",
        "admin", "administrator", "letmein", "welcome", "summer", "winter", "spring", "autumn",
    }
)
