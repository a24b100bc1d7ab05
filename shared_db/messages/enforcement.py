"""Staydown's reasons: why a new hit re-lists a removed listing, or is its seller's other item."""

from shared_db.messages.base import message

RELISTING = message("re-listing of {listing}, removed after case {case}: {evidence}", lists=("evidence",))
REPEAT_INFRINGER = message("repeat infringer: seller {seller} had {listing} removed after case {case}; "
                           "this is another item ({evidence})", lists=("evidence",))
SAME_SELLER = message("same seller {seller}")
SAME_IMAGE = message("same image")
NEAR_IMAGE = message("same image ({bits} of 64 pHash bits differ)")
TITLE_LIKE = message("title {similarity}% like the removed one")
PRICE_LIKE = message("price within {percent}% of the removed one")

# shared_db.repo.cases: why a case cannot take an action (shown translated, stored nowhere)
NO_SENT_TO = message("say to whom the notice was sent (the marketplace's IP contact)")
UNKNOWN_ANSWER = message("unknown answer {response}: one of {choices}")
NOT_SENT = message("the notice of this case has not been sent yet")
CLOSED = message("the case is closed; reopen it first")
UNKNOWN_RESOLUTION = message("unknown resolution {resolution}: one of {choices}")
NO_CLOSE_NOTE = message("say why the case is closed (a note)")
NOT_CLOSED = message("the case is not closed; there is nothing to reopen")
NO_REOPEN_REASON = message("give the reason for reopening the case")
NOTHING_ONLINE = message("no listing of this case was found still online by a re-check; nothing to re-notify")
NO_CASE = message("there is no case {case}")
