"""`python -m compliance bench`: checks generated ~2 KB messages in mixed languages and prints
p50/p99 per message, as wall-clock and as CPU time (on a shared machine the two differ by the
time spent waiting for a core), and the engine's start-up time and memory (measured in a fresh
process).

Messages are mostly ordinary customer-service sentences in one language with some sentences in
others; about one sentence in 25 breaks a rule. 30% are proactive, half of those with the
buyer's language set (so the language rule runs).
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import subprocess
import sys
import time

from compliance.engine import Engine
from compliance.types import Attachment, Context, Draft, Kind

# Ordinary customer-service sentences per language ...
_CLEAN = {
    "en": [
        "Thank you for your message about order 112-4839201-5530912.",
        "We are sorry the parcel arrived late; the carrier reports a delay at the regional hub.",
        "A replacement leaves our warehouse tomorrow morning and should arrive within three days.",
        "You can keep the damaged item, there is no need to send it back.",
        "The lamp uses a 3.5mm jack and firmware 2.0.3, e.g. for the dimmer.",
        "To return it, open Your Orders, choose the order and select Return or replace items.",
        "We have issued a partial refund of $6.00 through Amazon.",
    ],
    "de": [
        "Vielen Dank für Ihre Nachricht zur Bestellung 302-1234567-7654321.",
        "Es tut uns leid, dass das Paket beschädigt ankam; wir schicken heute Ersatz.",
        "Die Sendungsnummer lautet 00340434161094042557, Zustellung zwischen 10:00 und 14:00 Uhr.",
        "Das Netzteil liefert 12 V und 2,5 A, das Kabel ist 1,5 m lang.",
        "Die Rücksendung starten Sie bei Amazon unter „Meine Bestellungen“.",
    ],
    "fr": [
        "Merci pour votre message concernant la commande 171-5520347-9061145.",
        "Le colis a été remis à Colissimo hier, la livraison est prévue jeudi avant 13h.",
        "Nous avons procédé à un remboursement partiel de 5 € via Amazon.",
        "La version 2.1.4 du micrologiciel corrige le problème de connexion.",
    ],
    "es": [
        "Gracias por escribirnos sobre el pedido 405-7730219-5548316.",
        "Su paquete salió ayer con SEUR y llegará el lunes entre las 9:00 y las 14:00.",
        "Puede iniciar la devolución desde Mis pedidos en Amazon.",
        "El cable mide 1,2 m y es compatible con la versión 2.0 del adaptador.",
    ],
    "it": [
        "Grazie per il suo messaggio relativo all'ordine 408-2219573-6604419.",
        "Il pacco è stato affidato a BRT e la consegna è prevista per giovedì.",
        "La mensola misura 80 x 20 x 2,5 cm e regge fino a 15 kg.",
    ],
    "pt": [
        "Obrigado pela sua mensagem sobre o pedido 701-3348120-7719254.",
        "Seu pedido foi postado nos Correios com o código de rastreio QB123456789BR.",
        "A previsão de entrega é até sexta-feira, 6 de junho.",
    ],
    "ja": [
        "お問い合わせありがとうございます。",
        "ご注文の商品は本日発送いたしました。追跡番号は1234-5678-9012です。",
        "ご不便をおかけして申し訳ございません。交換品をお送りいたします。",
    ],
    "zh": [
        "您好，感谢您的来信。",
        "您的包裹已交给顺丰速运，运单号为SF1234567890123，预计三天内送达。",
        "很抱歉给您带来不便，我们已经为您补发了新的配件。",
    ],
    "ru": [
        "Здравствуйте! Спасибо за ваше сообщение о заказе 302-7719025-4460813.",
        "Ваша посылка передана DHL, доставка ожидается в пятницу.",
        "Размеры рюкзака 45 x 30 x 15 см, объём 20 л.",
    ],
    "ar": [
        "مرحباً، شكراً لتواصلك معنا بخصوص الطلب 402-6618274-3390512.",
        "تم تسليم طردك إلى شركة الشحن ومن المتوقع أن يصل يوم الأحد.",
        "نعتذر عن التأخير وقد تم شحن البديل اليوم.",
    ],
}
# ... and sentences that break a rule, mixed in at _VIOLATION_RATE.
_VIOLATIONS = [
    "If it still flickers, call us on +1 (646) 555-0187.",
    "More pictures are on lampworks dot com slash gallery.",
    "If you are happy with it, please leave us a 5-star review!",
    "Schreiben Sie uns gern an service(at)lampenhaus(punkt)de.",
    "Suivez-nous sur Instagram pour découvrir nos nouveautés.",
    "Escríbanos por WhatsApp al 612 345 678 y le mandamos fotos.",
    "Podemos devolver o valor do frete por Pix; me envie sua chave Pix.",
    "如果您满意，请给我们五星好评。",
    "Напишите нам в Telegram, так будет быстрее.",
    "Use code SAVE10 for 10% off your next order!",
]
_VIOLATION_RATE = 0.04
_TARGET_CHARS = 2048


def generate(count: int, seed: int) -> list[Draft]:
    """`count` drafts of about 2 KB, each mostly in one language with some mixing."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    languages = sorted(_CLEAN)
    drafts = []
    for _ in range(count):
        main = rng.choice(languages)
        parts: list[str] = []
        size = 0
        while size < _TARGET_CHARS:
            lang = main if rng.random() < 0.85 else rng.choice(languages)
            if rng.random() < _VIOLATION_RATE:
                sentence = rng.choice(_VIOLATIONS)
            else:
                sentence = rng.choice(_CLEAN[lang])
            parts.append(sentence)
            size += len(sentence.encode("utf-8")) + 1
        kind = Kind.PROACTIVE if rng.random() < 0.3 else Kind.REPLY
        context = Context(
            buyer_language=main if kind is Kind.PROACTIVE and rng.random() < 0.5 else None,
            days_since_delivery=rng.choice([None, 3, 12, 40]),
            buyer_opted_out=rng.random() < 0.1,
            attachments=(Attachment("invoice.pdf", 120_000, "application/pdf"),)
            if rng.random() < 0.2
            else (),
        )
        subject = "Re: your order" if kind is Kind.REPLY else "About your order"
        drafts.append(Draft(kind, subject, " ".join(parts), context))
    return drafts


def startup() -> dict[str, float]:
    """Import and build the engine in a fresh interpreter: seconds and peak memory (MiB)."""
    code = (
        "import json, resource, time\n"
        "t = time.perf_counter()\n"
        "from compliance.engine import Engine\n"
        "Engine()\n"
        "elapsed = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps({'seconds': elapsed, 'rss_mib': rss}))\n"
    )
    baseline = (
        "import json, resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    base = subprocess.run(  # noqa: S603
        [sys.executable, "-c", baseline], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout)
    result["python_rss_mib"] = float(base.stdout)
    return result


def _percentile(values: list[float], fraction: float) -> float:
    return values[min(len(values) - 1, int(len(values) * fraction))]


def run(count: int, seed: int) -> str:
    boot = startup()
    engine = Engine()
    drafts = generate(count, seed)
    sizes = [len(d.body.encode("utf-8")) for d in drafts]
    # The generated drafts are the benchmark's data, not the engine's: keep the garbage
    # collector from walking them again and again while the engine is timed.
    gc.collect()
    gc.freeze()
    timings, cpu = [], []
    fired = 0
    for draft in drafts:
        start, start_cpu = time.perf_counter(), time.process_time()
        findings = engine.check(draft)
        cpu.append((time.process_time() - start_cpu) * 1000)
        timings.append((time.perf_counter() - start) * 1000)
        fired += bool(findings)
    gc.unfreeze()
    timings.sort()
    cpu.sort()
    p50, p99 = _percentile(timings, 0.50), _percentile(timings, 0.99)
    return "\n".join(
        [
            f"messages: {count} (mean {statistics.mean(sizes):.0f} bytes, mixed languages;"
            f" {fired} with findings)",
            f"per message: p50 {p50:.3f} ms  p99 {p99:.3f} ms  max {timings[-1]:.3f} ms",
            f"per message, CPU time (process): p50 {_percentile(cpu, 0.5):.3f} ms"
            f"  p99 {_percentile(cpu, 0.99):.3f} ms  max {cpu[-1]:.3f} ms"
            f"  (wall-clock includes waiting for a busy CPU)",
            f"engine start-up (fresh process, import + build): {boot['seconds']:.2f} s",
            f"peak memory of that process: {boot['rss_mib']:.0f} MiB"
            f" (bare interpreter {boot['python_rss_mib']:.0f} MiB)",
        ]
    )
