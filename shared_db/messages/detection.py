from shared_db.messages.base import message  # noqa: F401
