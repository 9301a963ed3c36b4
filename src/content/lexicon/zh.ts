// Chinese wording rules (simplified and traditional forms side by side). Chinese has no
// spaces, so every phrase is an infix pattern (*短语*) matched inside runs of Han text.
// Families: get-rich and home-business pitches, mass-mail and "sorry to disturb" ad
// formulas, fake invoices, stacked "free" and hard-sell urgency. Everyday words on their own
// (免费 "free", 机会 "opportunity", 发票 "invoice") are avoided on purpose.
import type { ExtraLexicon } from './schema.ts';

export const zh: ExtraLexicon = {
  lang: 'zh',
  entries: [
    { id: 'ZH_GET_RICH', category: 'money', weight: 1.6, phrases: ['*赚钱*', '*賺錢*', '*致富*', '*发财*', '*發財*', '*日进斗金*', '*月入过万*', '*月入過萬*', '*轻松赚*', '*輕鬆賺*'], replacements: ['增加收入', '收益'], example: '想要轻松赚钱吗？在家就能致富！' },
    { id: 'ZH_HOME_BUSINESS', category: 'money', weight: 1.4, phrases: ['*在家创业*', '*在家創業*', '*网络兼职*', '*網路兼職*', '*网上兼职*', '*兼职创业*', '*兼職創業*', '*翻身机会*', '*翻身機會*', '*诚招代理*', '*誠招代理*', '*加盟商机*', '*加盟商機*'], replacements: ['远程工作', '合作伙伴计划'], example: '如何在家中利用网络兼职创业，不受时间地点限制。' },
    { id: 'ZH_FREE_STACKED', category: 'free', weight: 1.4, phrases: ['*完全免费*', '*完全免費*', '*免费赠送*', '*免費贈送*', '*免费领取*', '*免費領取*', '*免费试用*', '*免費試用*', '*免费注册*', '*免費註冊*'], replacements: ['包含在内', '试用'], example: '现在注册即可免费领取精美礼品，完全免费！' },
    { id: 'ZH_MASS_MAIL', category: 'spam_phrase', weight: 2.0, phrases: ['*邮件群发*', '*郵件群發*', '*群发软件*', '*群發軟體*', '*邮件地址数据库*', '*email地址*', '*邮件营销*', '*郵件行銷*', '*电子邮件地址*', '*廣告信*', '*广告信*'], replacements: [], example: '出售邮件地址数据库，配合群发软件使用效果更好。' },
    { id: 'ZH_SORRY_TO_DISTURB', category: 'spam_phrase', weight: 2.0, phrases: ['*如有打扰*', '*如有打擾*', '*不想再收到*', '*不愿收到此*', '*不願收到此*', '*勿直接回信*', '*请勿直接回复*', '*請勿直接回覆*', '*打扰之处*', '*打擾之處*'], replacements: [], example: '如有打扰，敬请原谅；如不想再收到此类信件，请告知。' },
    { id: 'ZH_FAKE_INVOICE', category: 'phishing', weight: 2.5, phrases: ['*代开发票*', '*代開發票*', '*代开增值税*', '*代開增值稅*'], replacements: [], example: '本公司可代开发票，税点优惠，欢迎来电。' },
    { id: 'ZH_HARD_SELL', category: 'urgency', weight: 1.2, phrases: ['*机不可失*', '*機不可失*', '*千载难逢*', '*千載難逢*', '*限时优惠*', '*限時優惠*', '*大特价*', '*大特價*', '*名额有限*', '*名額有限*', '*欲购从速*', '*欲購從速*'], replacements: ['优惠截止日期为', '欢迎了解'], example: '限时优惠，名额有限，机不可失！' },
    { id: 'ZH_DEAR_FRIEND', category: 'spam_phrase', weight: 1.5, phrases: ['*亲爱的朋友*', '*親愛的朋友*', '*尊敬的用户*', '*尊敬的客户*'], replacements: ['您好'], example: '亲爱的朋友，您好！这里有一个好消息要告诉您。' },
    { id: 'ZH_LOAN', category: 'money', weight: 1.4, phrases: ['*无抵押贷款*', '*無抵押貸款*', '*快速贷款*', '*快速貸款*', '*低息贷款*', '*低息貸款*'], replacements: ['贷款方案'], example: '无抵押贷款，快速放款，当天到账。' },
  ],
};
