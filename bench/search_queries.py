"""Recall and precision of search on a fixed set of real queries in Finnish, Swedish and English.

    python -m bench.search_queries
    python -m bench.search_queries --database-url postgresql+psycopg://postgres@127.0.0.1:5432/partnerskap_bench_queries
    python -m bench.search_queries --snowball   # as a host without Voikko searches

A small corpus of posts (below, as members of an integration network write them) is written to a fresh database and
indexed; each query is searched as a member who reads them all, and the posts found are compared with the posts the
query must find. Recall: the share of the posts it must find that it found; precision: the share of what it found
that it had to find. Queries whose expected posts are missed, or that find others, are listed.
"""

from __future__ import annotations

import argparse
import shutil
import re
import statistics
from datetime import UTC, datetime

from sqlalchemy import insert, text

from bench.discussions import RUN_DIR, _scratch_postgres, _use_database
from partnerskap.db import engine, transaction
from partnerskap.migrations import migrate
from partnerskap.models import Membership, Post, Status, Thread, User, Workspace
from partnerskap.services import search, search_index
from partnerskap.services.search import Query
from partnerskap.services.sessions import Viewer

CORPUS = {
    "fi-tila": "Kokoonnumme ensi viikosta alkaen uusissa työtiloissa Vallilassa.",
    "fi-tila2": "Työtilan avaimet saa toimistolta arkisin.",
    "fi-kurssi": "Suomen kielen kurssi alkaa maanantaina, ilmoittautuminen on auki.",
    "fi-kurssit": "Kielikursseille on jonoa, lisäämme syksyllä uusia kursseja.",
    "fi-vapaaeht": "Tarvitsemme vapaaehtoisia läksykerhoon tiistaisin.",
    "fi-vapaaeht2": "Kiitos kaikille vapaaehtoisille viime viikon tapahtumasta!",
    "fi-kunta": "Kuntien rahoitus kotoutumispalveluihin kasvaa ensi vuonna.",
    "fi-kunta2": "Kunnassamme on nyt kaksi uutta ohjaajaa.",
    "fi-perhe": "Perheiden kanssa tehtävä työ jatkuu keväällä.",
    "fi-asunto": "Asunnon löytäminen on vaikeaa pääkaupunkiseudulla.",
    "fi-tulkki": "Tulkkausta tarvitaan arabiaksi ja dariksi.",
    "fi-raportti": "Raportin luonnos on liitteenä, kommentit perjantaihin mennessä.",
    "fi-koulutus": "Koulutuksessa käsiteltiin traumatietoista työotetta.",
    "fi-hanke": "Hankkeemme päättyy joulukuussa; loppuraportti valmistuu tammikuussa.",
    "fi-lapset": "Lapsille järjestetään kerho kirjastossa.",
    "sv-rum": "Vi träffas i arbetsrummet på torsdag.",
    "sv-rum2": "Arbetsrummen på tredje våningen är bokade.",
    "sv-kurs": "Svenskkursen börjar i september, anmälan är öppen.",
    "sv-kurser": "Vi ordnar fler kurser för nyanlända.",
    "sv-frivillig": "Frivilliga behövs till läxhjälpen.",
    "sv-kommun": "Kommunerna i Österbotten samarbetar kring mottagningen.",
    "sv-familj": "Familjerna får stöd av en handledare.",
    "sv-bostad": "Bostäderna i Vasa räcker inte till.",
    "sv-tolk": "Tolken kommer klockan tio.",
    "en-volunteer": "We need volunteers for the homework club.",
    "en-volunteering": "Volunteering opportunities are listed on the website.",
    "en-course": "The language course starts on Monday.",
    "en-courses": "More courses will be organised in autumn.",
    "en-meeting": "The meeting is moved to Thursday.",
    "en-meetings": "Our monthly meetings are open to everyone.",
    "en-family": "Families receive support from a counsellor.",
    "en-housing": "Housing remains the biggest challenge for newcomers.",
    "en-interpreter": "An interpreter will join the session.",
    "en-report": "The reports are due on Friday.",
    "en-funding": "Funding for the project was renewed.",
}

QUERIES = {
    # Finnish: inflected forms of the words written
    "työtila": {"fi-tila", "fi-tila2"},
    "työtilat": {"fi-tila", "fi-tila2"},
    "työtiloissa": {"fi-tila", "fi-tila2"},
    "työtilaan": {"fi-tila", "fi-tila2"},
    "kurssi": {"fi-kurssi", "fi-kurssit"},
    "kurssilla": {"fi-kurssi", "fi-kurssit"},
    "kursseja": {"fi-kurssi", "fi-kurssit"},
    "vapaaehtoinen": {"fi-vapaaeht", "fi-vapaaeht2"},
    "vapaaehtoisia": {"fi-vapaaeht", "fi-vapaaeht2"},
    "vapaaehtoisten": {"fi-vapaaeht", "fi-vapaaeht2"},
    "kunta": {"fi-kunta", "fi-kunta2"},
    "kuntien": {"fi-kunta", "fi-kunta2"},
    "kunnassa": {"fi-kunta", "fi-kunta2"},
    "perhe": {"fi-perhe"},
    "perheiden": {"fi-perhe"},
    "asunto": {"fi-asunto"},
    "asunnot": {"fi-asunto"},
    "tulkkaus": {"fi-tulkki"},
    "raportti": {"fi-raportti", "fi-hanke"},  # "loppuraportti" is a report too: compounds are found by their parts
    "raportissa": {"fi-raportti", "fi-hanke"},
    "koulutus": {"fi-koulutus"},
    "koulutukseen": {"fi-koulutus"},
    "hanke": {"fi-hanke"},
    "hankkeen": {"fi-hanke"},
    "lapsi": {"fi-lapset"},
    "lapset": {"fi-lapset"},
    "kerho": {"fi-lapset", "fi-vapaaeht"},  # "läksykerhoon"
    "kirjasto": {"fi-lapset"},
    "rahoitusta": {"fi-kunta"},
    "kielikurssi": {"fi-kurssit"},
    "loppuraportti": {"fi-hanke"},
    "työ": {"fi-perhe", "fi-tila", "fi-tila2", "fi-koulutus"},  # "työtiloissa", "työtilan", "työotetta"
    "palvelut": {"fi-kunta"},  # "kotoutumispalveluihin"
    "läksykerho": {"fi-vapaaeht"},
    "Vallila": {"fi-tila"},
    # Swedish
    "arbetsrum": {"sv-rum", "sv-rum2"},
    "arbetsrummen": {"sv-rum", "sv-rum2"},
    "kurs": {"sv-kurs", "sv-kurser"},
    "kursen": {"sv-kurs", "sv-kurser"},
    "svenskkurs": {"sv-kurs"},
    "frivillig": {"sv-frivillig"},
    "frivilliga": {"sv-frivillig"},
    "kommun": {"sv-kommun"},
    "kommunernas": {"sv-kommun"},
    "familj": {"sv-familj"},
    "familjer": {"sv-familj"},
    "bostad": {"sv-bostad"},
    "tolk": {"sv-tolk"},
    "tolkar": {"sv-tolk"},
    # English
    "volunteer": {"en-volunteer", "en-volunteering"},
    "volunteers": {"en-volunteer", "en-volunteering"},
    "volunteering": {"en-volunteer", "en-volunteering"},
    "course": {"en-course", "en-courses"},
    "courses": {"en-course", "en-courses"},
    "meeting": {"en-meeting", "en-meetings"},
    "meetings": {"en-meeting", "en-meetings"},
    "families": {"en-family"},
    "family": {"en-family"},
    "housing": {"en-housing"},
    "interpreters": {"en-interpreter"},
    "report": {"en-report"},
    "funding": {"en-funding"},
    "language course": {"en-course"},
    "homework club": {"en-volunteer"},
    "monthly meeting": {"en-meetings"},
}


def seed() -> tuple[Viewer, dict[int, str]]:
    """Write the corpus as posts of one workspace the searcher belongs to; returns the searcher and each post's name."""
    now = datetime.now(UTC)
    with transaction() as session:
        connection = session.connection()
        user_id = connection.execute(insert(User).returning(User.id), {"email": "reader@example.org", "name": "Reader", "organisation": "", "password_hash": "!", "status": Status.APPROVED,
                                                                     "role": "member", "language": "fi", "terms_accepted_at": now, "created_at": now, "status_reason": ""}).scalar_one()
        workspace_id = connection.execute(insert(Workspace).returning(Workspace.id), {"name": "Queries", "name_key": "queries", "purpose": "", "description": "", "kind": "project", "language": "fi",
                                                                                      "colour": "teal", "lifecycle": "active", "access": "open", "created_by": user_id, "created_at": now,
                                                                                      "last_activity_at": now, "premoderation_days": 0, "closed_reason": ""}).scalar_one()
        connection.execute(insert(Membership), {"workspace_id": workspace_id, "user_id": user_id, "role": "owner", "joined_at": now})
        thread_id = connection.execute(insert(Thread).returning(Thread.id), {"workspace_id": workspace_id, "title": "", "author_id": user_id, "pinned": False, "created_at": now, "last_post_at": now, "post_count": 0}).scalar_one()
        names = {}
        for index, (name, body) in enumerate(CORPUS.items()):
            post_id = connection.execute(insert(Post).returning(Post.id), {"thread_id": thread_id, "author_id": user_id, "body": body, "html": "", "idempotency_key": f"q{index}", "created_at": now, "held": ""}).scalar_one()
            names[post_id] = name
        viewer = Viewer.of(session.get(User, user_id))
    search.reindex()
    return viewer, names


def evaluate(viewer: Viewer, names: dict[int, str]) -> tuple[float, float, list[str]]:
    """Mean recall and precision over the queries, and what each imperfect query found."""
    recalls, precisions, misses = [], [], []
    for asked, expected in QUERIES.items():
        hits = search.search(viewer, Query(text=asked)).hits
        got = {names[int(re.search(r"#post-(\d+)", hit.link).group(1))] for hit in hits}
        recall = len(got & expected) / len(expected)
        precision = len(got & expected) / len(got) if got else 0.0
        recalls.append(recall)
        precisions.append(precision)
        if recall < 1 or precision < 1:
            misses.append(f"- `{asked}`: missed {sorted(expected - got) or 'nothing'}, also found {sorted(got - expected) or 'nothing'}")
    return statistics.mean(recalls), statistics.mean(precisions), misses


def main() -> None:
    """Build the corpus, search every query, report."""
    parser = argparse.ArgumentParser(prog="python -m bench.search_queries", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="a PostgreSQL URL whose database name contains 'bench'; default: a temporary SQLite file")
    parser.add_argument("--snowball", action="store_true", help="stem Finnish with Snowball, as a host without Voikko does")
    arguments = parser.parse_args()
    if arguments.snowball:
        search_index._voikko = lambda: None
    drop = None
    try:
        if arguments.database_url:
            url, drop = _scratch_postgres(arguments.database_url)
        else:
            url = f"sqlite:///{RUN_DIR / 'queries.db'}"
        _use_database(url)
        migrate()
        viewer, names = seed()
        recall, precision, misses = evaluate(viewer, names)
        with engine().connect() as connection:
            version = connection.execute(text("SELECT sqlite_version()" if engine().dialect.name == "sqlite" else "SHOW server_version")).scalar_one()
        print(f"\n## Search queries: {engine().dialect.name} {version}, Finnish by {search_index.normaliser()}\n")
        print(f"{len(QUERIES)} queries over {len(CORPUS)} posts: recall {recall:.3f}, precision {precision:.3f}\n")
        print("\n".join(misses))
    finally:
        engine().dispose()
        if drop:
            drop()
        shutil.rmtree(RUN_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
