"""The record's formats, kinds and field names, and the limits device and central share."""

from __future__ import annotations

#: The `format` of format 1 records (signed history: read and verified forever).
ENGAGEMENT_FORMAT = "fieldkit-engagement/1"
#: Format 2: `persons` met one to one; sensitive text sealed by a salted digest (texts.py).
ENGAGEMENT_FORMAT_2 = "fieldkit-engagement/2"
FORMATS = (ENGAGEMENT_FORMAT, ENGAGEMENT_FORMAT_2)

#: What a record is: an engagement, or (format 2) an entry of the team's activity log.
ENGAGEMENT = "engagement"
ACTIVITY = "activity"
KINDS = (ENGAGEMENT, ACTIVITY)
#: The entries of the activity log (ICS 214): a visit started or ended, a handover note between
#: shifts, any other note of what the team did.
ACTIVITIES = ("visit_started", "visit_ended", "handover", "note")
#: Fields written only when a record is not an engagement (so an engagement's bytes, and the
#: hashes of every record ever signed, stay as they were).
KIND_FIELDS = ("kind", "activity")
#: Where a record's position came from (None: given by hand, or a record made before).
POSITION_SOURCES = (None, "gps", "venue")

#: prev_hash of a device's first record.
GENESIS_HASH = "0" * 64

#: Fields that hold free text an officer wrote: never shown on maps or in exports.
SENSITIVE_FIELDS = ("notes",)

#: The longest free text an officer may write in a record, in characters (device and central).
NOTES_MAX = 4000
REFERRAL_REF_MAX = 64

#: Fields that make the record's identity and chain, not its content: hash and signature are
#: computed over everything else.
SEAL_FIELDS = ("hash", "signature")

#: Format 2: the sensitive texts beside the signed body ({digest: {salt, text}}), outside the
#: hash so they can be removed (retention) while signature and chain still verify.
TEXTS_FIELD = "texts"
