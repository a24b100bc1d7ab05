"""Messages that cross packages: detection's reasons and explanations, staydown reasons, URL-safety refusals, report states.

They are made in English from declared templates (:func:`message`) and stored and exported in
English; the review UI shows them translated (:func:`translate` recognises the template a stored text
was made from, old rows included). Every declared msgid needs a zh-Hans translation (a test checks it).
"""

from shared_db.messages import detection, enforcement, forms, reports  # noqa: F401 - declares their messages
from shared_db.messages.base import REGISTRY, Message, message, parse, translate

__all__ = ["REGISTRY", "Message", "message", "parse", "translate"]
