"""What the agent reads about each finding: an explanation and a suggested fix.

Both are English gettext message ids (the English text is the id, as in Django); `%(excerpt)s`
is the text the finding points at. `gettext_noop` only marks them so `makemessages` collects them;
the Django side (`compliance.services`) translates them into the agent's language.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    return message


_ = gettext_noop

MESSAGES: dict[str, tuple[str, str]] = {
    "LINK_EXTERNAL": (
        _("Links or web addresses that lead off Amazon are not allowed: “%(excerpt)s”."),
        _("Remove the address. Describe the steps in the message or attach a PDF instead."),
    ),
    "LINK_AMAZON_NONESSENTIAL": (
        _(
            "Links to Amazon product pages, stores, searches or short links are only allowed "
            "when needed to complete the order: “%(excerpt)s”."
        ),
        _(
            "Remove the link. If the buyer asked which product fits, name it or give its ASIN "
            "as plain text."
        ),
    ),
    "CONTACT_EMAIL": (
        _("E-mail addresses are not allowed in messages to buyers: “%(excerpt)s”."),
        _("Remove the address (check the signature too). Buyers reply through Amazon."),
    ),
    "CONTACT_PHONE": (
        _("Telephone numbers are not allowed in messages to buyers: “%(excerpt)s”."),
        _("Remove the number and keep the conversation in Amazon's Buyer-Seller Messaging."),
    ),
    "CONTACT_PHONE_THIRD_PARTY": (
        _(
            "This looks like a carrier, manufacturer or warranty-service number: “%(excerpt)s”. "
            "Only such numbers may be given."
        ),
        _("Send it only if the number really belongs to that company, not to you."),
    ),
    "CONTACT_OFF_PLATFORM": (
        _(
            "Moving the conversation off Amazon (messengers, social media, phone calls) or asking "
            "for the buyer's contact details is not allowed: “%(excerpt)s”."
        ),
        _("Keep the conversation in Amazon's Buyer-Seller Messaging and remove this request."),
    ),
    "DIVERT_OFF_AMAZON": (
        _("Moving the sale, payment or refund off Amazon is not allowed: “%(excerpt)s”."),
        _(
            "Take payments and refunds only through Amazon (a refund or order adjustment in "
            "Manage Orders) and do not invite the buyer to buy elsewhere."
        ),
    ),
    "PERSONAL_INFO_REQUEST": (
        _(
            "Asking for sensitive personal data (card details, passwords, identity documents, "
            "date of birth) is not allowed: “%(excerpt)s”."
        ),
        _(
            "Remove the request. You may ask for a photo of the item or label, a serial number "
            "or the order id."
        ),
    ),
    "MARKETING": (
        _("Promotional content is not allowed in messages to buyers: “%(excerpt)s”."),
        _("Remove the promotion, coupon, cross-selling or social-media invitation."),
    ),
    "REVIEW_INCENTIVE": (
        _(
            "Offering anything of value for a review or feedback, or for changing one, is "
            "forbidden: “%(excerpt)s”."
        ),
        _("Remove the offer. A review request must be neutral and unconditional."),
    ),
    "REVIEW_POSITIVE_ONLY": (
        _(
            "Review requests must not ask for positive ratings, target only happy buyers, steer "
            "unhappy buyers away or dictate content: “%(excerpt)s”."
        ),
        _("Ask neutrally, for example: “We would appreciate an honest review.”"),
    ),
    "REVIEW_CHANGE_REQUEST": (
        _("Asking a buyer to change or remove a product review is forbidden: “%(excerpt)s”."),
        _("Remove the request. Solve the problem; the buyer decides about the review."),
    ),
    "REVIEW_REPEAT": (
        _(
            "A review or feedback request was already sent for this order; a second one (also a "
            "reminder) is not allowed: “%(excerpt)s”."
        ),
        _("Remove the review request from this message."),
    ),
    "CANCEL_REQUEST": (
        _(
            "Asking the buyer to cancel because you cannot fulfil the order is not allowed: "
            "“%(excerpt)s”."
        ),
        _(
            "Cancel the order yourself in Manage Orders with the right reason and tell the buyer "
            "that you did."
        ),
    ),
    "OPT_OUT_LINK": (
        _(
            "Unsubscribe or opt-out instructions are not allowed; Amazon owns the opt-out: "
            "“%(excerpt)s”."
        ),
        _("Remove the unsubscribe text or link."),
    ),
    "IMPORTANT_MISUSE": (
        _(
            "The [Important] marker is only for critical messages the buyer needs to receive the "
            "order; this message is not critical."
        ),
        _("Remove [Important] from the subject or do not send this message."),
    ),
    "PROACTIVE_NOT_PERMITTED": (
        _(
            "This unsolicited message has no permitted purpose (order confirmations, shipping or "
            "delivery notices, thank-you notes, check-ins, greetings and promotions are not "
            "allowed)."
        ),
        _(
            "Send a proactive message only to solve a problem with the order, ask for information "
            "needed to complete it, send an invoice or request one review."
        ),
    ),
    "PROACTIVE_WINDOW": (
        _(
            "Unsolicited messages may only be sent within 30 days after delivery; this order was "
            "delivered %(days)s days ago."
        ),
        _("Do not send this message. Answer the buyer if they write to you."),
    ),
    "PROACTIVE_OPTED_OUT": (
        _(
            "The buyer opted out of unsolicited messages; Amazon will not deliver this "
            "non-critical message."
        ),
        _("Send only messages the buyer needs to receive the order."),
    ),
    "PROACTIVE_HTML": (
        _("HTML is not allowed in proactive messages: “%(excerpt)s”."),
        _("Write plain text without tags."),
    ),
    "LANGUAGE_MISMATCH": (
        _(
            "Proactive messages must be in the buyer's language (%(expected)s); this text looks "
            "like %(detected)s."
        ),
        _("Write the message in the buyer's language."),
    ),
    "EMOJI": (
        _("Emoji are not allowed in messages to buyers: “%(excerpt)s”."),
        _("Remove the emoji."),
    ),
    "IMAGE_GIF": (
        _("GIF images are not allowed in messages to buyers: “%(excerpt)s”."),
        _("Use a PNG or JPEG image instead."),
    ),
    "ATTACHMENT_TYPE": (
        _("This attachment type is not allowed: “%(excerpt)s”."),
        _("Attach PDF, JPEG, PNG, TIFF, TXT or Word (DOC, DOCX) files only."),
    ),
    "ATTACHMENT_TYPE_UNCONFIRMED": (
        _("Amazon may not accept this attachment type: “%(excerpt)s”."),
        _("Prefer PDF, JPEG, PNG, TIFF, TXT or Word (DOC, DOCX) files."),
    ),
    "ATTACHMENT_SIZE": (
        _("Attachments may total at most 10 MB per message; these total %(size)s MB."),
        _("Compress or split the files, or send fewer."),
    ),
    "ATTACHMENT_COUNT": (
        _("A proactive message may carry at most 5 attachments; this one has %(count)s."),
        _("Remove attachments or combine them into one PDF."),
    ),
    "ORDER_ID_MISSING": (
        _("A proactive message sent by e-mail must contain the 17-digit Amazon order id."),
        _("Add the order id, for example in the subject."),
    ),
    "TRACKING_PIXEL": (
        _("This looks like a hidden tracking image: “%(excerpt)s”."),
        _("Remove the image."),
    ),
}

# Short names of the rules, for lists and reports.
TITLES: dict[str, str] = {
    "LINK_EXTERNAL": _("Link to another site"),
    "LINK_AMAZON_NONESSENTIAL": _("Amazon link not needed for the order"),
    "CONTACT_EMAIL": _("E-mail address"),
    "CONTACT_PHONE": _("Telephone number"),
    "CONTACT_OFF_PLATFORM": _("Contact outside Amazon"),
    "DIVERT_OFF_AMAZON": _("Sale or payment outside Amazon"),
    "PERSONAL_INFO_REQUEST": _("Request for sensitive personal data"),
    "MARKETING": _("Marketing"),
    "REVIEW_INCENTIVE": _("Incentive for a review"),
    "REVIEW_POSITIVE_ONLY": _("Request for positive reviews only"),
    "REVIEW_CHANGE_REQUEST": _("Request to change a review"),
    "REVIEW_REPEAT": _("Repeated review request"),
    "CANCEL_REQUEST": _("Asking the buyer to cancel"),
    "OPT_OUT_LINK": _("Unsubscribe instructions"),
    "IMPORTANT_MISUSE": _("[Important] on a non-critical message"),
    "PROACTIVE_NOT_PERMITTED": _("Unsolicited message without a permitted purpose"),
    "PROACTIVE_WINDOW": _("Unsolicited message after 30 days"),
    "PROACTIVE_OPTED_OUT": _("Buyer opted out"),
    "PROACTIVE_HTML": _("HTML in an unsolicited message"),
    "LANGUAGE_MISMATCH": _("Not in the buyer's language"),
    "EMOJI": _("Emoji"),
    "IMAGE_GIF": _("GIF image"),
    "ATTACHMENT_TYPE": _("Attachment type"),
    "ATTACHMENT_SIZE": _("Attachments too large"),
    "ATTACHMENT_COUNT": _("Too many attachments"),
    "ORDER_ID_MISSING": _("Order id missing"),
    "TRACKING_PIXEL": _("Tracking image"),
}
