"""Amazon marketplaces: reference data seeded into the Marketplace table by a migration.

Facts from Amazon's "Marketplace IDs" and "SP-API Endpoints" pages. Buyer-alias mail domains are
what relayed buyer mail comes from (`<alias>@marketplace.amazon.<tld>`); where no real evidence
was found the domain is a guess (`alias_domain_verified=False`) or unknown (empty). Alias
detection must match the `@marketplace.amazon.` prefix rather than rely on this list.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class MarketplaceInfo:
    marketplace_id: str
    country_code: str
    name: str
    region: str
    alias_domain: str
    alias_domain_verified: bool
    default_language: str
    currency: str


# marketplace id  country region alias domain (- = unknown)  verified language currency name
_TABLE = """
ATVPDKIKX0DER   US NA marketplace.amazon.com     yes en USD United States
A2EUQ1WTGCTBG2  CA NA marketplace.amazon.ca      yes en CAD Canada
A1AM78C64UM0Y8  MX NA marketplace.amazon.com.mx  yes es MXN Mexico
A2Q3Y263D00KWC  BR NA marketplace.amazon.com.br  yes pt BRL Brazil
A1F83G8C2ARO7P  GB EU marketplace.amazon.co.uk   yes en GBP United Kingdom
A1PA6795UKMFR9  DE EU marketplace.amazon.de      yes de EUR Germany
A13V1IB3VIYZZH  FR EU marketplace.amazon.fr      yes fr EUR France
APJ6JRA9NG5V4   IT EU marketplace.amazon.it      yes it EUR Italy
A1RKKUPIHCS9HS  ES EU marketplace.amazon.es      yes es EUR Spain
A1805IZSGTT6HS  NL EU marketplace.amazon.nl      yes nl EUR Netherlands
AMEN7PMS3EDWL   BE EU marketplace.amazon.com.be  yes fr EUR Belgium
A2NODRKZP88ZB9  SE EU marketplace.amazon.se      no  sv SEK Sweden
A1C3SOZRARQ6R3  PL EU marketplace.amazon.pl      no  pl PLN Poland
A28R8C7NBKEWEA  IE EU marketplace.amazon.ie      no  en EUR Ireland
A33AVAJ2PDY3EV  TR EU marketplace.amazon.com.tr  yes tr TRY Turkey
A21TJRUUN4KGV   IN EU marketplace.amazon.in      yes en INR India
A2VIGQ35RCS4UG  AE EU -                          no  ar AED United Arab Emirates
A17E79C6D8DWNP  SA EU -                          no  ar SAR Saudi Arabia
ARBP9OOSHTCHU   EG EU -                          no  ar EGP Egypt
AE08WJ6YKNBMC   ZA EU -                          no  en ZAR South Africa
A1VC38T7YXB528  JP FE marketplace.amazon.co.jp   yes ja JPY Japan
A39IBJ37TRP1C6  AU FE marketplace.amazon.com.au  yes en AUD Australia
A19VAU5U5O7RUS  SG FE marketplace.amazon.sg      no  en SGD Singapore
"""


def _parse(table: str) -> tuple[MarketplaceInfo, ...]:
    rows = []
    for line in table.strip().splitlines():
        mp_id, country, region, domain, verified, language, currency, name = line.split(maxsplit=7)
        rows.append(
            MarketplaceInfo(
                marketplace_id=mp_id,
                country_code=country,
                name=name,
                region=region,
                alias_domain="" if domain == "-" else domain,
                alias_domain_verified=verified == "yes",
                default_language=language,
                currency=currency,
            )
        )
    return tuple(rows)


MARKETPLACES: tuple[MarketplaceInfo, ...] = _parse(_TABLE)


def seed(marketplace_model: type) -> None:
    """Create or update the Marketplace rows from the table above (used by the data migration,
    which passes its historical model, and by the tests after a database flush)."""
    for info in MARKETPLACES:
        marketplace_model.objects.update_or_create(
            id=info.marketplace_id,
            defaults={
                "country_code": info.country_code,
                "name": info.name,
                "region": info.region,
                "alias_domain": info.alias_domain,
                "alias_domain_verified": info.alias_domain_verified,
                "default_language": info.default_language,
                "currency": info.currency,
            },
        )


BY_ID = {m.marketplace_id: m for m in MARKETPLACES}
BY_COUNTRY = {m.country_code: m for m in MARKETPLACES}


def by_alias_domain(domain: str) -> MarketplaceInfo | None:
    """The marketplace whose buyer-alias domain is `domain` (case-insensitive), if known."""
    domain = domain.lower()
    for info in MARKETPLACES:
        if info.alias_domain and info.alias_domain == domain:
            return info
    return None
