"""Scale data of `projects.outcomes`: publications, grant applications and conference talks of the
closed and evaluated editions' projects (`ORDER` 60)."""

from datetime import date, timedelta

from marathon.scale import Context, at, between, bulk
from projects.outcomes.models import ConferenceParticipation, GrantApplication, Publication, PublicationAuthor
from projects.scale import team_user_ids

ORDER = 60

VENUES = ["Materials & Design", "IEEE Access", "Energies", "Sensors", "Applied Sciences",
          "Proc. Int. Conf. on Computational Linguistics", "Journal of Biomedical Engineering",
          "Proc. European Conference on Energy Systems"]
CONFERENCES = [("Int. Conference on Materials Science", "Graz", "AT"),
               ("European Energy Systems Forum", "Madrid", "ES"),
               ("Computational Linguistics Days", "Berlin", "DE"),
               ("Polytechnic Week", "St. Petersburg", "RU"),
               ("BioMed Engineering Summit", "Cádiz", "ES")]


def outcomes(ctx: Context) -> None:
    """Publications (mostly joint), grant applications (mostly international) and conference
    talks of the closed and evaluated editions' projects, in the seed's proportions
    (10 publications : 6 grant applications : 8 conferences per ~16 projects)."""
    rng = ctx.rng
    teams = [t for t in ctx.teams if t.edition_id != ctx.current_edition.pk]
    members = team_user_ids(ctx)
    users = {u.pk: u for u in ctx.people}
    this_year = ctx.today.year
    pubs, authors = [], []
    for i in range(ctx.sizes.publications):
        team = rng.choice(teams)
        edition = next(e for e in ctx.editions if e.pk == team.edition_id)
        year = min(this_year, edition.year + rng.choice([0, 0, 1]))
        pub = Publication(project=team.project, title=f"{team.project.title}: results {i + 1}",
                          venue=rng.choice(VENUES), type=rng.choice(["journal", "conference", "chapter"]),
                          year=year, doi=f"10.{5000 + i % 4000}/marathon.{i}",
                          created_by_id=team.project.proposer_id,
                          created_at=at(date(year, 12, 1)))
        pubs.append(pub)
        people = rng.sample(sorted(members[team.pk]), min(len(members[team.pk]), rng.randint(2, 5)))
        for position, user_id in enumerate(people, start=1):
            user = users[user_id]
            authors.append(PublicationAuthor(publication=pub, position=position, user=user,
                                             name=user.full_name, university_id=user.university_id,
                                             country=user.country))
        if rng.random() < 0.2:
            authors.append(PublicationAuthor(publication=pub, position=len(people) + 1,
                                             name="Jane External", affiliation="Fraunhofer Institute",
                                             country="DE"))
    bulk(Publication, pubs)
    bulk(PublicationAuthor, authors)
    grants = grant_applications(ctx, teams, members, users, GrantApplication)
    talks = conference_talks(ctx, teams, members, ConferenceParticipation)
    ctx.counts.update(publications=len(pubs), publication_authors=len(authors),
                      grant_applications=grants, conferences=talks)


def grant_applications(ctx, teams, members, users, GrantApplication) -> int:
    rng = ctx.rng
    rows, applicants = [], []
    for i in range(6 * ctx.sizes.scale):
        team = rng.choice(teams)
        edition = next(e for e in ctx.editions if e.pk == team.edition_id)
        unis = sorted({users[u].university_id for u in members[team.pk]} - {None})
        rows.append(GrantApplication(
            project=team.project, programme=rng.choice(["horizon_europe", "erasmus", "national", "other"]),
            funder="Horizon Europe MSCA", title=f"{team.project.title} (proposal {i + 1})",
            submitted_on=between(rng, edition.research_start, edition.research_end),
            amount=rng.randint(20, 900) * 1000, currency="EUR",
            status=rng.choice(["submitted", "awarded", "rejected"]),
            created_by_id=team.project.proposer_id))
        applicants.append(unis[: rng.randint(1, 3)] if unis else [ctx.universities[0].pk])
    bulk(GrantApplication, rows)
    through = GrantApplication.applicants.through
    bulk(through, [through(grantapplication_id=g.pk, university_id=u)
                   for g, unis in zip(rows, applicants, strict=True) for u in unis])
    return len(rows)


def conference_talks(ctx, teams, members, ConferenceParticipation) -> int:
    rng = ctx.rng
    rows, presenters = [], []
    for i in range(8 * ctx.sizes.scale):
        team = rng.choice(teams)
        edition = next(e for e in ctx.editions if e.pk == team.edition_id)
        name, city, country = rng.choice(CONFERENCES)
        start = between(rng, edition.research_start, edition.evaluation_start)
        rows.append(ConferenceParticipation(
            project=team.project, conference=f"{name} {start.year}", city=city, country=country,
            start_date=start, end_date=start + timedelta(days=2),
            contribution_title=f"{team.project.title}: talk {i + 1}", is_international=rng.random() < 0.85,
            created_by_id=team.project.proposer_id))
        presenters.append(rng.sample(sorted(members[team.pk]), 1))
    bulk(ConferenceParticipation, rows)
    through = ConferenceParticipation.presenters.through
    field_name = ConferenceParticipation.presenters.field.m2m_field_name()
    target = ConferenceParticipation.presenters.field.m2m_reverse_field_name()
    bulk(through, [through(**{f"{field_name}_id": c.pk, f"{target}_id": u})
                   for c, users in zip(rows, presenters, strict=True) for u in users])
    return len(rows)


generate = outcomes
