// Custom headers a sender may not set in the Send API `Headers` object (error send-0011).
// `mailjet`: Mailjet's published list (Send API v3.1 guide, "forbidden headers": each has a
// message property or belongs to the platform). `relais`: headers Relais itself writes and
// must own (authentication results, MIME structure, complaint feedback, unsubscribe), so a
// tenant can neither spoof them nor break the message structure.
// Compared case-insensitively.

export interface ForbiddenHeader {
  name: string;
  source: 'mailjet' | 'relais';
  /** A real header line of this name, as a sender might try to pass it. */
  example: string;
}

export const FORBIDDEN_HEADERS: readonly ForbiddenHeader[] = [
  { name: 'From', source: 'mailjet', example: 'From: "Support" <support@example.com>' },
  { name: 'Sender', source: 'mailjet', example: 'Sender: bulk@example.com' },
  { name: 'Subject', source: 'mailjet', example: 'Subject: Your invoice' },
  { name: 'To', source: 'mailjet', example: 'To: alice@example.org' },
  { name: 'Cc', source: 'mailjet', example: 'Cc: bob@example.org' },
  { name: 'Bcc', source: 'mailjet', example: 'Bcc: audit@example.com' },
  { name: 'Return-Path', source: 'mailjet', example: 'Return-Path: <bounces@example.com>' },
  { name: 'Delivered-To', source: 'mailjet', example: 'Delivered-To: alice@example.org' },
  { name: 'DKIM-Signature', source: 'mailjet', example: 'DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1; h=from; bh=x; b=y' },
  { name: 'DomainKey-Status', source: 'mailjet', example: 'DomainKey-Status: good' },
  { name: 'Received-SPF', source: 'mailjet', example: 'Received-SPF: pass (example.com: 192.0.2.1 is authorized)' },
  { name: 'Authentication-Results', source: 'mailjet', example: 'Authentication-Results: mx.example.org; dkim=pass' },
  { name: 'Received', source: 'mailjet', example: 'Received: from mail.example.com by mx.example.org' },
  { name: 'X-Mailjet-Prio', source: 'mailjet', example: 'X-Mailjet-Prio: 3' },
  { name: 'X-Mailjet-Debug', source: 'mailjet', example: 'X-Mailjet-Debug: 1' },
  { name: 'User-Agent', source: 'mailjet', example: 'User-Agent: Thunderbird 115' },
  { name: 'X-Mailer', source: 'mailjet', example: 'X-Mailer: PHPMailer 6.8' },
  { name: 'X-MJ-CustomID', source: 'mailjet', example: 'X-MJ-CustomID: order-1234' },
  { name: 'X-MJ-EventPayload', source: 'mailjet', example: 'X-MJ-EventPayload: {"order":1234}' },
  { name: 'X-MJ-Vars', source: 'mailjet', example: 'X-MJ-Vars: {"name":"Alice"}' },
  { name: 'X-MJ-TemplateErrorDeliver', source: 'mailjet', example: 'X-MJ-TemplateErrorDeliver: deliver' },
  { name: 'X-MJ-TemplateErrorReporting', source: 'mailjet', example: 'X-MJ-TemplateErrorReporting: dev@example.com' },
  { name: 'X-MJ-TemplateLanguage', source: 'mailjet', example: 'X-MJ-TemplateLanguage: 1' },
  { name: 'X-Mailjet-TrackOpen', source: 'mailjet', example: 'X-Mailjet-TrackOpen: 0' },
  { name: 'X-Mailjet-TrackClick', source: 'mailjet', example: 'X-Mailjet-TrackClick: 1' },
  { name: 'X-MJ-TemplateID', source: 'mailjet', example: 'X-MJ-TemplateID: 1234' },
  { name: 'X-MJ-WorkflowID', source: 'mailjet', example: 'X-MJ-WorkflowID: 42' },
  { name: 'X-Feedback-Id', source: 'mailjet', example: 'X-Feedback-Id: 1:2:3:mailjet' },
  { name: 'X-Mailjet-Segmentation', source: 'mailjet', example: 'X-Mailjet-Segmentation: 17' },
  { name: 'List-Id', source: 'mailjet', example: 'List-Id: <news.example.com>' },
  { name: 'X-MJ-MID', source: 'mailjet', example: 'X-MJ-MID: AAAAAGVx' },
  { name: 'X-MJ-ErrorMessage', source: 'mailjet', example: 'X-MJ-ErrorMessage: template error' },
  { name: 'Date', source: 'mailjet', example: 'Date: Mon, 02 Feb 2026 10:00:00 +0000' },
  { name: 'X-CSA-Complaints', source: 'mailjet', example: 'X-CSA-Complaints: csa-complaints@eco.de' },
  { name: 'Message-Id', source: 'mailjet', example: 'Message-Id: <1234@example.com>' },
  { name: 'X-Mailjet-Campaign', source: 'mailjet', example: 'X-Mailjet-Campaign: spring-sale' },
  { name: 'X-MJ-StatisticsContactsListID', source: 'mailjet', example: 'X-MJ-StatisticsContactsListID: 99' },
  { name: 'Feedback-ID', source: 'relais', example: 'Feedback-ID: c1:tenant7:transactional:relais' },
  { name: 'List-Unsubscribe', source: 'relais', example: 'List-Unsubscribe: <https://example.com/u/1>' },
  { name: 'List-Unsubscribe-Post', source: 'relais', example: 'List-Unsubscribe-Post: List-Unsubscribe=One-Click' },
  { name: 'MIME-Version', source: 'relais', example: 'MIME-Version: 1.0' },
  { name: 'Content-Type', source: 'relais', example: 'Content-Type: text/html; charset=utf-8' },
  { name: 'Content-Transfer-Encoding', source: 'relais', example: 'Content-Transfer-Encoding: base64' },
  { name: 'ARC-Seal', source: 'relais', example: 'ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example.com; s=s1; b=x' },
  { name: 'ARC-Message-Signature', source: 'relais', example: 'ARC-Message-Signature: i=1; a=rsa-sha256; d=example.com; s=s1; h=from; bh=x; b=y' },
  { name: 'ARC-Authentication-Results', source: 'relais', example: 'ARC-Authentication-Results: i=1; mx.example.org; dkim=pass' },
];

const SET = new Set(FORBIDDEN_HEADERS.map((h) => h.name.toLowerCase()));

export function isForbiddenHeader(name: string): boolean {
  return SET.has(name.toLowerCase());
}
