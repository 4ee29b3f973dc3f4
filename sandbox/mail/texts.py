# ruff: noqa: E501, RUF001 - buyer texts in seven languages, one scenario per line
"""What buyers write, per scenario and language ({title} is the item, {name} the buyer's first
name). Invented texts; `needs_reply` is False for thank-you notes."""

SCENARIOS = {
    "where_is_my_order": {
        "en": ["Hi, my order of the {title} has not arrived yet and the tracking has not changed for days. Could you check where it is?", "Hello, where is my parcel? It was due yesterday. Thanks, {name}"],
        "de": ["Hallo, meine Bestellung ({title}) ist noch nicht angekommen und die Sendungsverfolgung zeigt seit Tagen nichts Neues. Können Sie nachsehen?", "Guten Tag, wo bleibt mein Paket? Es hätte gestern kommen sollen. Viele Grüße, {name}"],
        "fr": ["Bonjour, ma commande ({title}) n'est toujours pas arrivée et le suivi ne bouge plus. Pouvez-vous vérifier ?", "Bonjour, où en est mon colis ? Il devait arriver hier. Merci, {name}"],
        "it": ["Buongiorno, il mio ordine ({title}) non è ancora arrivato e il tracciamento è fermo da giorni. Potete controllare?", "Salve, dov'è il mio pacco? Doveva arrivare ieri. Grazie, {name}"],
        "es": ["Hola, mi pedido ({title}) todavía no ha llegado y el seguimiento no se actualiza desde hace días. ¿Pueden comprobarlo?", "Buenas, ¿dónde está mi paquete? Tenía que llegar ayer. Gracias, {name}"],
        "pt": ["Olá, o meu pedido ({title}) ainda não chegou e o rastreamento não muda há dias. Podem verificar?", "Oi, onde está o meu pacote? Era para chegar ontem. Obrigado, {name}"],
        "ja": ["こんにちは。注文した「{title}」がまだ届きません。追跡情報も数日間更新されていません。確認していただけますか。", "荷物はいつ届きますか？昨日届く予定でした。よろしくお願いします。"],
    },
    "return_request": {
        "en": ["Hello, I would like to return the {title}. It is not what I expected. How do I send it back?", "Hi, can I return the {title}? It is unused and still in its box."],
        "de": ["Guten Tag, ich möchte den Artikel „{title}“ zurückgeben, er entspricht nicht meinen Erwartungen. Wie gehe ich vor?", "Hallo, kann ich {title} zurückschicken? Es ist unbenutzt und originalverpackt."],
        "fr": ["Bonjour, je souhaite retourner l'article « {title} », il ne correspond pas à mes attentes. Comment procéder ?", "Bonjour, puis-je renvoyer {title} ? Il n'a jamais été utilisé."],
        "it": ["Buongiorno, vorrei restituire l'articolo «{title}». Come posso procedere per il reso?", "Salve, posso rendere {title}? È ancora nella confezione originale."],
        "es": ["Hola, quiero devolver el artículo «{title}», no es lo que esperaba. ¿Cómo lo envío?", "Buenas, ¿puedo devolver {title}? Está sin usar y en su caja."],
        "pt": ["Olá, gostaria de devolver o artigo «{title}». Como faço a devolução?", "Oi, posso devolver {title}? Está sem uso e na caixa."],
        "ja": ["「{title}」を返品したいのですが、手続きを教えていただけますか。", "未使用ですが、返品は可能でしょうか。"],
    },
    "customisation": {
        "en": ["Hi, could you engrave the initials \"{initials}\" on the {title}? It is a birthday present.", "Hello, is gift wrapping possible for the {title}? It is for my mother."],
        "de": ["Hallo, könnten Sie die Initialen „{initials}“ auf {title} gravieren? Es ist ein Geburtstagsgeschenk.", "Guten Tag, ist eine Geschenkverpackung für {title} möglich?"],
        "fr": ["Bonjour, pourriez-vous graver les initiales « {initials} » sur {title} ? C'est un cadeau.", "Bonjour, un emballage cadeau est-il possible pour {title} ?"],
        "it": ["Buongiorno, potete incidere le iniziali «{initials}» su {title}? È un regalo di compleanno.", "Salve, è possibile la confezione regalo per {title}?"],
        "es": ["Hola, ¿podrían grabar las iniciales «{initials}» en {title}? Es un regalo de cumpleaños.", "Hola, ¿es posible envolver {title} para regalo?"],
        "pt": ["Olá, podem gravar as iniciais «{initials}» em {title}? É um presente de aniversário.", "Oi, é possível embrulhar {title} para presente?"],
        "ja": ["「{title}」にイニシャル「{initials}」を刻印していただくことは可能でしょうか。誕生日プレゼントです。", "ギフト包装をお願いできますか。"],
    },
    "damaged_item": {
        "en": ["Hello, the {title} arrived damaged: the box was crushed and the item is dented. Can you send a replacement?", "Hi, unfortunately the {title} does not work. What can we do?"],
        "de": ["Hallo, {title} ist beschädigt angekommen: Der Karton war eingedrückt und der Artikel hat eine Delle. Können Sie Ersatz schicken?", "Guten Tag, leider funktioniert {title} nicht. Was können wir tun?"],
        "fr": ["Bonjour, {title} est arrivé endommagé : le carton était écrasé. Pouvez-vous m'envoyer un remplacement ?", "Bonjour, malheureusement {title} ne fonctionne pas. Que faire ?"],
        "it": ["Buongiorno, {title} è arrivato danneggiato: la scatola era schiacciata. Potete mandarmi una sostituzione?", "Salve, purtroppo {title} non funziona. Come possiamo fare?"],
        "es": ["Hola, {title} llegó dañado: la caja estaba aplastada. ¿Pueden enviarme un repuesto?", "Hola, por desgracia {title} no funciona. ¿Qué podemos hacer?"],
        "pt": ["Olá, {title} chegou danificado: a caixa estava amassada. Podem enviar uma substituição?", "Oi, infelizmente {title} não funciona. O que podemos fazer?"],
        "ja": ["「{title}」が破損した状態で届きました。箱がつぶれていました。交換をお願いできますか。", "残念ながら商品が動作しません。どうすればよいでしょうか。"],
    },
    "address_change": {
        "en": ["Hi, I made a mistake in my delivery address. Could you change the street number from 12 to 21 before shipping?", "Hello, can you still change the delivery address? I have moved."],
        "de": ["Hallo, ich habe mich bei der Lieferadresse vertan: Hausnummer 21 statt 12. Können Sie das vor dem Versand ändern?", "Guten Tag, kann die Lieferadresse noch geändert werden? Ich bin umgezogen."],
        "fr": ["Bonjour, je me suis trompé d'adresse : c'est le numéro 21 et non 12. Pouvez-vous corriger avant l'envoi ?", "Bonjour, est-il encore possible de changer l'adresse de livraison ?"],
        "it": ["Buongiorno, ho sbagliato l'indirizzo: il civico è 21, non 12. Potete correggerlo prima della spedizione?", "Salve, è ancora possibile cambiare l'indirizzo di consegna?"],
        "es": ["Hola, me equivoqué en la dirección: es el número 21, no el 12. ¿Pueden cambiarlo antes del envío?", "Hola, ¿todavía se puede cambiar la dirección de entrega?"],
        "pt": ["Olá, errei o endereço: é o número 21 e não 12. Podem corrigir antes do envio?", "Oi, ainda é possível mudar o endereço de entrega?"],
        "ja": ["お届け先の番地を間違えました。12ではなく21です。発送前に変更していただけますか。", "配送先住所を変更することはまだ可能でしょうか。"],
    },
    "thank_you": {
        "en": ["Just wanted to say thank you, the {title} arrived quickly and is perfect. No need to reply!", "Thanks, everything arrived fine. Have a nice day, {name}"],
        "de": ["Ich wollte mich nur bedanken: {title} kam schnell und ist perfekt. Sie müssen nicht antworten!", "Danke, alles gut angekommen. Schönen Tag noch, {name}"],
        "fr": ["Je voulais simplement vous remercier, {title} est arrivé vite et il est parfait. Inutile de répondre !", "Merci, tout est bien arrivé. Bonne journée, {name}"],
        "it": ["Volevo solo ringraziarvi: {title} è arrivato in fretta ed è perfetto. Non serve rispondere!", "Grazie, tutto arrivato bene. Buona giornata, {name}"],
        "es": ["Solo quería daros las gracias: {title} llegó rápido y es perfecto. ¡No hace falta responder!", "Gracias, todo llegó bien. Buen día, {name}"],
        "pt": ["Só queria agradecer: {title} chegou rápido e é perfeito. Não precisa responder!", "Obrigado, tudo chegou bem. Bom dia, {name}"],
        "ja": ["「{title}」がすぐに届きました。とても気に入っています。ありがとうございました。返信は不要です。", "無事に届きました。ありがとうございました。"],
    },
    # A second message before anyone answered the first.
    "follow_up": {
        "en": ["Hello again, I wrote a few hours ago about the {title} and have not heard back yet. Could you let me know?", "Any news on my message from earlier? Thanks, {name}"],
        "de": ["Hallo nochmal, ich hatte vor ein paar Stunden wegen {title} geschrieben und noch keine Antwort bekommen. Können Sie sich melden?", "Gibt es schon Neuigkeiten zu meiner Nachricht von vorhin? Danke, {name}"],
        "fr": ["Re-bonjour, je vous ai écrit il y a quelques heures au sujet de {title} et je n'ai pas encore de réponse. Pouvez-vous me tenir au courant ?", "Avez-vous des nouvelles concernant mon message de tout à l'heure ? Merci, {name}"],
        "it": ["Salve di nuovo, vi ho scritto qualche ora fa per {title} e non ho ancora ricevuto risposta. Potete farmi sapere?", "Ci sono novità sul mio messaggio di prima? Grazie, {name}"],
        "es": ["Hola de nuevo, os escribí hace unas horas por {title} y todavía no tengo respuesta. ¿Podéis decirme algo?", "¿Hay novedades sobre mi mensaje de antes? Gracias, {name}"],
        "pt": ["Olá de novo, escrevi há algumas horas sobre {title} e ainda não tive resposta. Podem me dizer algo?", "Alguma novidade sobre a minha mensagem de antes? Obrigado, {name}"],
        "ja": ["数時間前に「{title}」についてご連絡しましたが、まだお返事がありません。ご確認いただけますか。", "先ほどのメッセージについて、何か進展はありますか。"],
    },
}  # fmt: skip

SUBJECTS = {
    "en": "Inquiry from Amazon customer {buyer} (Order: {order_id})",
    "de": "Frage von Amazon-Kunde {buyer} (Bestellung: {order_id})",
    "fr": "Demande de renseignements de la part du client Amazon {buyer} (Commande : {order_id})",
    "it": "Richiesta dal cliente Amazon {buyer} (Ordine: {order_id})",
    "es": "Consulta del cliente de Amazon {buyer} (Pedido: {order_id})",
    "pt": "Pergunta do cliente da Amazon {buyer} (Pedido: {order_id})",
    "ja": "Amazonのお客様からのお問い合わせ (注文番号: {order_id})",
}
MARKERS = {
    "en": ("Begin message", "End message"),
    "de": ("Message:", "Nachricht beenden"),
    "fr": ("Début du message", "Fin du message"),
    "it": ("Inizio messaggio", "Fine messaggio"),
    "es": ("Mensaje:", "Finalizar mensaje"),
    "pt": ("Início da mensagem", "Fim da mensagem"),
    "ja": ("メッセージ開始", "メッセージ終了"),
}
FOOTER = (
    "Was this email helpful?\n"
    "We retain all messages between buyers and sellers for two years. Messages that fail this "
    "filtering will not be transmitted."
)
