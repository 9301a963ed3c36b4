// Korean wording rules. Korean separates words with spaces but attaches particles, so
// phrases are infix patterns on a word. Not listed on purpose: (광고) and 수신거부, the ad
// label and opt-out notice Korean law requires on every commercial mail (flagging them
// would punish compliance). The families: address-list sellers, "we found your address
// while surfing" excuses, easy-money and side-job pitches, dealer recruitment, stacked "free".
import type { ExtraLexicon } from './schema.ts';

export const ko: ExtraLexicon = {
  lang: 'ko',
  entries: [
    { id: 'KO_ADDRESS_EXCUSE', category: 'spam_phrase', weight: 2.0, phrases: ['*웹서핑*', '*서핑중*', '*메일주소는*'], replacements: [], example: '귀하의 메일주소는 웹서핑중 알게 된 것이며 다른 정보는 없습니다.' },
    { id: 'KO_MAIL_LIST', category: 'spam_phrase', weight: 2.0, phrases: ['*이메일리스트*', '*이멜리스트*', '*메일리스트*', '*대량메일*', '*메일발송*', '*이메일추출*', '*주소추출*', '이메일 리스트*', '대량 메일*', '메일 발송*'], replacements: [], example: '이메일리스트 100만개를 저렴하게 드립니다. 대량메일 발송 대행.' },
    { id: 'KO_EASY_MONEY', category: 'money', weight: 1.6, phrases: ['*고수익*', '*부업*', '*재택근무*', '*재택부업*', '*돈버는*', '*돈벌기*', '*떼돈*', '*대박*'], replacements: ['수익 기회', '업무 안내'], example: '누구나 할 수 있는 재택부업으로 고수익을 올리세요.' },
    { id: 'KO_RECRUIT', category: 'money', weight: 1.2, phrases: ['*대리점모집*', '*딜러모집*', '*회원모집*', '*가맹점모집*', '*총판모집*', '대리점 모집*', '딜러 모집*', '가맹점 모집*', '총판 모집*'], replacements: ['파트너 안내'], example: '전국 대리점모집 안내, 소자본 창업 가능합니다.' },
    { id: 'KO_FREE_STACKED', category: 'free', weight: 1.3, phrases: ['*완전무료*', '*무료체험*', '*무료상담*', '*무료가입*', '*무료증정*', '완전 무료*', '무료 체험*', '무료 상담*', '무료 증정*'], replacements: ['체험 안내', '상담 안내'], example: '지금 신청하시면 무료상담과 무료체험을 드립니다.' },
    { id: 'KO_LOAN', category: 'money', weight: 1.4, phrases: ['*무담보대출*', '*당일대출*', '*즉시대출*', '*신용대출*', '*무보증*'], replacements: ['대출 상품 안내'], example: '무담보대출, 당일대출 가능합니다. 지금 바로 문의하세요.' },
  ],
};
