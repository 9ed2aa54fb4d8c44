from datetime import timedelta

from django.utils import timezone

from workspace import services

CSV = "Sample,Load (N),Elongation (mm)\nS1,120.5,0.8\nS2,131,0.9\n"


def entry_data(**fields):
    return {"kind": "experiment", "title": "Tensile test of AZ31", "aim": "Check strength after annealing",
            "method": "Universal testing machine, 2 mm/min", "samples": [{"identifier": "S1", "material": "AZ31",
                                                                          "preparation": "annealed 300 C"}],
            "results": "Strength rose by 8 percent", "measurements": {}, "conclusion": "Annealing helps",
            "key_result": False, **fields}


def signed_entry(team, author, **fields):
    entry = services.create_entry(team=team, actor=author, data=entry_data(**fields))
    return services.sign_entry(entry=entry, actor=author)


def milestone(team, actor, **fields):
    data = {"title": "Literature review", "due_date": timezone.localdate() + timedelta(days=10), **fields}
    return services.create_milestone(team=team, actor=actor, data=data)
