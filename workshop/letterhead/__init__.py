"""The letterhead of an event: the organisations that issue its documents, their address, logos,
signatories and signature images. Certificates and visa letters are printed on the same one; each
keeps only its own wording (``certificates``: bilingual; ``letters``: the purpose of the visit)."""

from . import models  # noqa: F401
