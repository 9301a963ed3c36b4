// Japanese wording rules. Japanese has no spaces either: every phrase is an infix pattern.
// 未承諾広告 ("unsolicited advertisement") is the label the 2002 Japanese anti-spam law
// required on ads sent without consent; the opt-in law of 2008 made such mail illegal, so
// the label now only appears on spam. The other families: dating-site bait, "sorry for the
// sudden mail" openers, "if you no longer need this ad" opt-outs, easy-money pitches.
import type { ExtraLexicon } from './schema.ts';

export const ja: ExtraLexicon = {
  lang: 'ja',
  entries: [
    { id: 'JA_UNSOLICITED_AD', category: 'spam_phrase', weight: 3.0, phrases: ['*未承諾広告*', '*未承認広告*'], replacements: [], example: '未承諾広告※ 今だけの特別なご案内です' },
    { id: 'JA_DATING', category: 'spam_phrase', weight: 1.8, phrases: ['*出会い系*', '*出会いの*', '*素敵な出会い*', '*人妻*', '*セフレ*', '*メル友*'], replacements: [], example: '素敵な出会いがきっと見つかる、無料の出会い系サイトです。' },
    { id: 'JA_SUDDEN_MAIL', category: 'spam_phrase', weight: 1.8, phrases: ['*突然のメール失礼*', '*突然のメールにて失礼*', '*突然のご連絡失礼*', '*突然のメールで失礼*'], replacements: ['いつもお世話になっております'], example: '突然のメール失礼いたします。弊社のサービスのご案内です。' },
    { id: 'JA_AD_OPT_OUT', category: 'spam_phrase', weight: 1.8, phrases: ['*ご不要な方*', '*不要な方は*', '*今後この広告*', '*今後このメールが不要*', '*受信拒否*'], replacements: [], example: '今後この広告がご不要な方は、その旨をご返信ください。' },
    { id: 'JA_FREE_STACKED', category: 'free', weight: 1.4, phrases: ['*完全無料*', '*無料登録*', '*登録無料*', '*無料プレゼント*', '*無料で今すぐ*'], replacements: ['追加料金なし', 'お試し'], example: '登録無料！今なら完全無料でご利用いただけます。' },
    { id: 'JA_EASY_MONEY', category: 'money', weight: 1.6, phrases: ['*簡単に稼げ*', '*誰でも稼げ*', '*副業*', '*在宅ワーク*', '*高収入*', '*楽して稼*', '*即日融資*', '*即日振込*'], replacements: ['収入の機会', 'お仕事のご案内'], example: '在宅ワークで高収入、誰でも簡単に稼げます。' },
    { id: 'JA_URGENT', category: 'urgency', weight: 1.0, phrases: ['*今すぐ登録*', '*今すぐアクセス*', '*今すぐクリック*', '*期間限定*', '*先着順*', '*残りわずか*'], replacements: ['詳細はこちら', 'お申し込み期限：'], example: '期間限定のキャンペーン、今すぐアクセスしてください。' },
  ],
};
