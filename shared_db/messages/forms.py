"""Why a form's value is refused: the password policy, new users, mark fields."""

from shared_db.messages.base import message

PASSWORD_SHORT = message("passwords need at least {length} characters")
PASSWORD_FEW_CHARACTERS = message("passwords need at least 5 different characters")
PASSWORD_HAS_EMAIL = message("passwords must not contain the e-mail address")
PASSWORD_GUESSABLE = message("this password is too easy to guess (a common password or pattern){hint}; "
                             "choose a longer, less common passphrase")
NOT_AN_EMAIL = message("{email} is not an e-mail address")
NEEDS_ORGANISATION = message("a rights_holder user needs an organisation (--org)")
USER_EXISTS = message("a user with e-mail {email} already exists")
NICE_CLASSES = message("Nice classes run from 1 to 45, got {bad}")
CURRENCY_CODE = message("currency must be an ISO 4217 code such as USD, got {value}")
