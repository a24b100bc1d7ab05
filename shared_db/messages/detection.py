"""Why detection matched a listing to a mark, and how the classifier explains its probability.

Numbers are formatted by the caller (``score=f"{score:.0f}"``): placeholders stay plain.
"""

from shared_db.messages.base import message

SEPARATOR = message(", ")

# detection.matcher: the kind of match
SIMILAR = message(" ({score}% similar)")
PHONETIC = message("'{matched}' sounds like '{registered}' (pinyin '{needle}'){similar}", optional=("similar",))
TRANSLITERATION = message("'{matched}' is the registered transliteration '{registered}'{similar}",
                          optional=("similar",))
TRADITIONAL = message("'{matched}' in traditional characters reads as '{registered}'{similar}", optional=("similar",))
LEET = message("'{matched}' reads as '{needle}' with digits or symbols for letters{similar}", optional=("similar",))
SPLIT = message("'{matched}' is '{registered}' split by spaces or punctuation{similar}", optional=("similar",))
JOINED = message("'{matched}' is '{registered}' written without its spaces{similar}", optional=("similar",))
HOMOGLYPH = message("'{matched}' uses look-alike characters for '{needle}'{similar}", optional=("similar",))
REPEATED = message("'{matched}' is '{registered}' with letters repeated{similar}", optional=("similar",))
ALIAS = message("'{matched}' is the registered alias '{registered}'")
EXACT = message("'{matched}' is the mark '{registered}'")
FUZZY_MARK = message("'{matched}' is {score}% similar to the mark '{registered}'")
FUZZY_ALIAS = message("'{matched}' is {score}% similar to the alias '{registered}'")
INSIDE_WORD = message("the match is inside a longer word")
COUNTED = message("'{registered}' is {level}: counted because {grounds}", nested=("level",), lists=("grounds",))
GROUND_DISGUISED = message("it is written disguised")
GROUND_BRAND_POSITION = message("it stands in the brand position")
GROUND_BRAND_FIELD = message("the brand field names it")
GROUND_CLASSES = message("the goods fit the mark's classes")
GROUND_SUPPORTED = message("the listing supports it")
GROUND_MISSPELT = message("it is misspelt as no word is")

# detection.distinctiveness: why a mark is weak or ordinary
DIST_CHINESE = message("Chinese characters")
DIST_ORDINARY = message("an ordinary word")
DIST_SHORT = message("short ({size} letters or digits)")
DIST_PHRASE = message("a phrase of ordinary words")

# detection.context: the listing's context
CATEGORY_FITS = message("listing category '{category}' fits the mark's classes")
CATEGORY_OUTSIDE = message("listing category '{category}' is outside the mark's classes")
BRAND_FIELD = message("the listing's brand field says '{brand}'")
PRICE_BELOW = message("price {price} is {percent}% below the reference price")
SELLER_AUTHORISED = message("seller '{seller}' is authorised by the rights holder")

# detection.domains and detection.listing_hosts: marks in host names
WHAT_MARK = message("mark")
WHAT_ALIAS = message("alias")
WHAT_TRANSLITERATION = message("transliteration")
IN_FIELD = message("{field}: {reason}", nested=("reason",))
IN_HOST = message("'{read}' in the host name {host} {relation}{joined}", nested=("relation",),
                  optional=("joined",))
ONE_EDIT = message("is one edit from the {what} '{registered}' ({score}% similar)", nested=("what",))
IS_THE = message("is the {what} '{registered}'{spaces}", nested=("what",), optional=("spaces",))
WITHOUT_SPACES = message(" (written without spaces or punctuation)")
JOINED_WORDS = message(", joined with '{words}'{rest}", optional=("rest",))
AND_OTHER_LETTERS = message(" and other letters")
JOINED_OTHER = message(", joined with other letters")
HOST_DIGITS = message("the host name writes '{read}' as '{matched}', with digits for letters")
HOST_REPEATED = message("the host name writes '{read}' as '{matched}', with letters repeated")
HOST_LOOKALIKE = message("the host name writes '{read}' as '{matched}', with look-alike characters")
HOST_SHORT = message("'{registered}' is short: matched only as a whole word among dictionary words")
HOST_ORDINARY = message("'{registered}' is an ordinary word: matched only as a whole part of the host name")

# detection.classifier.signals: the explanations of a probability
KIND_LOOKALIKE = message("look-alike characters")
KIND_LEET = message("leetspeak")
KIND_SPACING = message("split by spaces or symbols")
KIND_TRANSLITERATION = message("a transliteration")
KIND_PHONETIC = message("a sound-alike")
THE_MARK = message("the mark")
OBFUSCATION = message("'{matched}' writes '{mark}' with {kind}", nested=("kind",))
TITLE_NAMES = message("title names '{mark}' ({kind}, score {score})")
WHERE_TITLE = message("title")
WHERE_DESCRIPTION = message("description")
TERM_IN = message("'{term}' in {where}", nested=("where",))
TERMS = message("{terms}", lists=("terms",))
PRICE_BELOW_REFERENCE = message("price {percent}% below reference")
PRICE_ABOVE_REFERENCE = message("price {percent}% above reference")
PRICE_AT_REFERENCE = message("price at reference")
SELLER_IS_AUTHORISED = message("seller authorised")
SELLER_NOT_AUTHORISED = message("seller not authorised")
SELLER_HISTORY = message("seller has {hits} earlier hits ({confirmed} confirmed, {dismissed} dismissed)")
SELLER_NEW = message("seller first seen {days} days ago")
CATEGORY_MATCHES = message("category matches the mark's goods")
CATEGORY_MISMATCH = message("category '{category}' outside the mark's goods")
MAIN_IMAGE = message("main image")
IMAGE_N = message("image {number}")
IMAGE_SIMILAR = message("{which} {percent} similar to the registered product photo", nested=("which",))
NO_IMAGE_RESEMBLES = message("no image resembles the registered product photos (best {percent})")
PHOTO_REUSED_ONE = message("the same photo is listed by {others} other seller")
PHOTO_REUSED = message("the same photo is listed by {others} other sellers")
TEXT_RESEMBLES = message("listing wording resembles reviewed hits")
