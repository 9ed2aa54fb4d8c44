"""Every write of the evaluation app with its rules: one function per workflow step."""

from .aggregates import rebuild_results_aggregates, results_changed  # noqa: F401
from .commission import (  # noqa: F401
    add_commission_member,
    assign_expert,
    auto_assign,
    declare_conflict,
    remove_assignment,
    remove_commission_member,
    save_criterion,
    sync_commission_groups,
)
from .results import (  # noqa: F401
    publish_results,
    send_deadline_reminders,
    send_publication_notices,
    send_reminders,
    set_ranking_method,
    unfinished_publication_notices,
)
from .scoring import save_score_sheet, submit_results, submit_score_sheet  # noqa: F401
