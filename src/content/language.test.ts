import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectLanguage } from './language.ts';
import { tokenize } from './tokens.ts';

test('detectLanguage on short realistic sentences', () => {
  const table: [string, string][] = [
    ['Je bestelling is vandaag verzonden en wordt morgen bij je bezorgd.', 'nl'],
    ['Wij hebben een nieuwe collectie voor u klaargezet in de winkel.', 'nl'],
    ['Ihre Bestellung wurde heute versandt und wird morgen zugestellt.', 'de'],
    ['Wir haben für Sie eine neue Kollektion zusammengestellt.', 'de'],
    ['Votre commande a été expédiée aujourd’hui et sera livrée demain.', 'fr'],
    ['Nous avons préparé une nouvelle collection pour vous dans la boutique.', 'fr'],
    ['Your order has been shipped today and will be delivered tomorrow.', 'en'],
    ['We have put together a new collection for you in the shop.', 'en'],
    ['Su pedido ha sido enviado hoy y llegará mañana a su casa.', 'es'],
    ['Hemos preparado una nueva colección para usted en la tienda.', 'es'],
    ['Il tuo ordine è stato spedito oggi e arriverà domani.', 'it'],
    ['Abbiamo preparato per lei una nuova collezione nel negozio.', 'it'],
  ];
  for (const [text, want] of table) assert.equal(detectLanguage(tokenize(text)).lang, want, text);
});

test('detectLanguage falls back to English with zero confidence', () => {
  const g = detectLanguage(tokenize('12345 xyz'));
  assert.equal(g.lang, 'en');
  assert.equal(g.confidence, 0);
});
