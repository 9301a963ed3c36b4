// Turkish wording rules (folded: ı→i, ş→s, ğ→g, ç→c, ü→u, ö→o). Families: click-now and
// call-us calls to action, "don't miss" urgency, earn-money pitches, stacked "free",
// advertising sellers and removal excuses. Single everyday words (ücretsiz, fırsat) are
// only listed inside phrases.
import type { ExtraLexicon } from './schema.ts';

export const tr: ExtraLexicon = {
  lang: 'tr',
  entries: [
    { id: 'TR_CLICK_NOW', category: 'call_to_action', weight: 1.2, phrases: ['hemen tıklayın', 'hemen tıklayınız', 'buraya tıklayın', 'buraya tıklayınız', 'şimdi tıklayın', 'linke tıklayın'], replacements: ['ayrıntıları görün', 'siparişinize gidin'], example: 'Kampanyadan yararlanmak için hemen tıklayın.' },
    { id: 'TR_CALL_US', category: 'call_to_action', weight: 1.0, phrases: ['bizi arayın', 'bizi arayınız', 'hemen arayın', 'hemen arayınız', 'hemen başvurun', 'hemen sipariş'], replacements: ['bize ulaşabilirsiniz'], example: 'Ayrıntılı bilgi için bizi arayınız.' },
    { id: 'TR_DONT_MISS', category: 'urgency', weight: 1.2, phrases: ['kaçırmayın', 'kaçırmayınız', 'fırsatı kaçırmayın', 'son fırsat', 'sınırlı süre', 'acele edin', 'stoklarla sınırlı'], replacements: ['kampanya şu tarihte bitiyor'], example: 'Bu fırsatı kaçırmayın, acele edin!' },
    { id: 'TR_EARN_MONEY', category: 'money', weight: 1.6, phrases: ['para kazanın', 'para kazanmak', 'para kazan', 'evden çalışın', 'evde çalışarak', 'ek gelir', 'ek gelir elde', 'kolay para', 'zengin olun'], replacements: ['gelir fırsatı', 'iş olanağı'], example: 'Evden çalışarak ek gelir elde edin, kolay para kazanın.' },
    { id: 'TR_FREE_STACKED', category: 'free', weight: 1.3, phrases: ['tamamen ücretsiz', 'tamamen bedava', 'bedava hediye', 'ücretsiz deneme', 'ücretsiz üyelik', 'ücretsiz hediye'], replacements: ['ek ücret olmadan', 'deneme sürümü'], example: 'Üyelik tamamen ücretsiz, üstelik ücretsiz hediye!' },
    { id: 'TR_ADVERTISING', category: 'spam_phrase', weight: 1.5, phrases: ['reklamlarınız', 'reklamlarınızı', 'reklam vermek', 'reklamınızı', 'toplu e posta', 'toplu mail', 'e posta adresi satışı', 'mail listesi'], replacements: [], example: 'Reklamlarınızı binlerce kişiye ulaştırıyoruz: toplu mail hizmeti.' },
    { id: 'TR_REMOVE_EXCUSE', category: 'spam_phrase', weight: 1.8, phrases: ['listeden çıkmak', 'listemizden çıkmak', 'adresinizi listemizden', 'bu ileti size', 'bu e posta size', 'almak istemiyorsanız'], replacements: [], example: 'Bu e-postaları almak istemiyorsanız listeden çıkmak için yanıtlayın.' },
    { id: 'TR_WINNER', category: 'money', weight: 1.6, phrases: ['kazandınız', 'ödül kazandınız', 'çekilişi kazandınız', 'talihli', 'büyük ikramiye'], replacements: ['ödülünüz hazır'], example: 'Tebrikler, çekilişi kazandınız! Büyük ikramiye sizi bekliyor.' },
  ],
};
