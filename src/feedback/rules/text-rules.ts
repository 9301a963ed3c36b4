// Reply-text rules: phrase families that name a bounce reason. DATA, not code: each rule
// is a case-insensitive regular expression over the normalised reply text (lower-cased,
// whitespace collapsed) with a real reply text beside it; rules.test.ts checks every
// example matches its own rule and is classified as that reason. Order matters: the first
// matching rule wins, so narrow families (DMARC, PTR, quota) come before broad ones
// (blocked, spam, policy). Add a rule by adding an entry with the text that needed it.
import type { Reason } from '../taxonomy.ts';

export interface TextRule {
  reason: Reason;
  /** regular-expression source, matched case-insensitively against the normalised text */
  pattern: string;
  /** a real reply or bounce text the rule is meant for */
  example: string;
  /** where that kind of text comes from (MTA or provider) */
  source?: string;
  /**
   * An explicit statement that holds whatever SMTP command it answered. Without it, "user
   * unknown" after DATA is read as a content filter speaking (`filtered`).
   */
  explicit?: boolean;
}

export const TEXT_RULES: TextRule[] = [
  // --- not sent by us at all
  {
    reason: 'suppressed',
    pattern: String.raw`on (?:the|our|an?)(?: account[- ]level| global)? suppression list|address is suppressed`,
    example: 'Amazon SES did not send the message to this address because it is on the suppression list for your account.',
    source: 'Amazon SES',
  },
  // --- sender authentication
  {
    reason: 'authfailure',
    pattern: String.raw`\bdmarc\b|(?<!(?:set up|add|publish|create) )\bspf\b.{0,40}(?:fail|check|validation|record|softfail|not (?:pass|permit|designat|authoriz))|sender policy framework|sender is unauthenticated|authenticate with (?:either )?(?:spf|dkim)|dkim.{0,30}(?:fail|invalid|signature.{0,20}(?:did not|does not|not) (?:verify|valid)|not signed)|not (?:pass|passing) (?:spf|dkim|authentication)|unauthenticated (?:e-?mail|mail|message)|does not have authentication information|fails? to pass (?:spf|dkim|dmarc|authentication)|(?:authentication|auth) checks? (?:did not pass|failed)|is not designated to send|not permitted by (?:the )?domain|(?:sender|domain) (?:is )?not authenticated|not authorized by (?:the )?(?:domain|sender)`,
    example: "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy.",
    source: 'Gmail',
  },
  // --- reverse DNS of the sending host
  {
    reason: 'requireptr',
    pattern: String.raw`\bptr\b|reverse (?:dns|lookup|hostname|name|dns lookup|resolution)|(?:cannot|can't|could not|unable to) (?:find|resolve|verify) (?:your |the )?(?:client )?(?:host ?name|reverse)|(?:no|without|missing|invalid|mismatch(?:ed)?) (?:a )?(?:reverse|rdns|fcrdns|ptr)|\brdns\b|\bfcrdns\b|ip name lookup failed|(?:host ?name|ip address) (?:does not|doesn't) (?:match|resolve)|unresolvable (?:host|ip|address|relay host)|(?:client host|helo)(?: name)? (?:.{0,40})?(?:not (?:found|resolv)|cannot be resolved|does not resolve)|ip address has no (?:name|host)|mismatch(?:es|ed)? (?:the )?client ip|is not resolvable|unknown client hostname|client host rejected: (?:cannot find|reverse)`,
    example: '450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]',
    source: 'Postfix reject_unknown_reverse_client_hostname',
  },
  // --- the sending IP does not verify (forward/reverse DNS) for the sender's domain
  {
    reason: 'requireptr',
    pattern: String.raw`unverif(?:y|i)able sending ips?`,
    example: '450 service permits 2 unverifyable sending IPs - example.com is not 192.0.2.1',
    source: 'Exim sender-host verification',
  },
  // --- TLS
  {
    reason: 'failedstarttls',
    pattern: String.raw`starttls|(?:does not|doesn't|do not) support (?:tls|ssl|encryption)|tls (?:is )?not (?:supported|available)|\btls (?:is )?(?:required|negotiation failed|handshake)|(?:requires?|must use) (?:a )?(?:secure|encrypted|tls)|encryption (?:is )?required|requiretls`,
    example: '530 5.7.0 Must issue a STARTTLS command first',
    source: 'Postfix, Exchange',
  },
  // --- MTA-STS / DANE: the secure channel the destination requires could not be set up
  {
    reason: 'failedstarttls',
    pattern: String.raw`failed mta-sts validation|\b(?:starttls-not-supported|certificate-expired|tlsa-invalid|dnssec-invalid|certificate-host-mismatch):`,
    example: '451 4.4.8 MX hosts of example.com failed MTA-STS validation',
    source: 'Exchange Online (MTA-STS, DANE outbound)',
  },
  // --- relaying
  {
    reason: 'norelaying',
    pattern: String.raw`relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited|not allowed|refused|is not allowed|not authori[sz]ed)|(?:unable|not allowed|not permitted|cannot|can't) (?:to )?relay|we do not relay|insecure (?:mail )?relay|not (?:a )?(?:gateway|relay)|no relaying|relay not permitted|relaying mail to .{0,60} is not allowed|open relay|not local host .{0,60} not a gateway|does not relay|relay(?:ing)? (?:has been )?denied`,
    example: '554 5.7.1 <user@example.org>: Relay access denied',
    source: 'Postfix',
  },
  // --- Amazon SES as a smarthost: the sending identity is not verified, so it will not relay
  {
    reason: 'norelaying',
    pattern: String.raw`email address is not verified\. the following identities failed`,
    example: '554 Message rejected: Email address is not verified. The following identities failed the check in region US-EAST-1: sender@example.com',
    source: 'Amazon SES SMTP interface',
  },
  // --- mailbox over quota
  {
    reason: 'mailboxfull',
    pattern: String.raw`mail ?box exceeds (?:the )?(?:allowed|maximum|max) size|messages in (?:the )?(?:recipient's )?mail ?box exceeded|mail ?box (?:is |was |has become )?(?:full|over ?quota|overquota)|(?:mail ?box|account|inbox|mail ?folder|user|recipient|maildir|storage)(?:'s)? .{0,40}(?:is (?:full|over)|over (?:the |its |their )?(?:storage |disk )?(?:quota|limit|allowed)|quota (?:exceeded|full|exceed))|over ?quota|quota (?:exceeded|exceed|violation|full)|exceed(?:s|ed)? (?:the |his\/her |their |its )?(?:storage|disk|mail ?box|mail ?space|quota)(?: allocation| quota| limit| size)?|(?:not|insufficient) enough (?:disk )?(?:space|storage) (?:for|in|on) (?:the )?(?:user|mailbox|recipient)|insufficient (?:disk )?(?:space|storage) (?:for|in|on) (?:the )?(?:user|mailbox|recipient)|(?:mail ?box|inbox) (?:size )?limit (?:exceeded|reached)|(?:is|was) over (?:the )?(?:quota|storage limit)|box is full|inbox is full|too much mail data|would exceed (?:the )?(?:mail ?box|quota)|disk quota|not enough storage|user has (?:exceeded|too many messages)|mailbox has exceeded|full mailbox|mail ?box full|quota (?:has been |is )?(?:exceeded|reached)|mailbox (?:size|storage) (?:exceeded|limit)`,
    example: '552 5.2.2 The email account that you tried to reach is over quota.',
    source: 'Gmail',
  },
  // --- Dovecot LDA / Sieve reject template with the quota (or disk) reason
  {
    reason: 'mailboxfull',
    pattern: String.raw`was automatically rejected: ?(?:not enough disk (?:space|quota)|quota exceeded)`,
    example: 'Your message to <someone@example.jp> was automatically rejected: Not enough disk space',
    source: 'Dovecot LDA (rejection_reason template)',
  },
  // --- message size
  {
    reason: 'emailtoolarge',
    pattern: String.raw`message (?:is )?too (?:big|large|long)|(?:message|mail|email|file) size (?:exceeds|too (?:big|large)|limit|is (?:too|over))|exceeds? (?:the )?(?:fixed )?(?:maximum|max|allowed|permitted)? ?(?:message |mail )?size|size (?:limit )?exceeded|(?:message|mail) (?:length|file) (?:exceeds|too big)|too big for (?:the )?(?:system|destination)|maximum (?:allowed )?(?:message )?size|exceeded (?:the )?(?:max(?:imum)? )?(?:message|size) (?:size )?limit|message (?:exceeds|exceeded) .{0,30}limit|too many recipients`,
    example: '552 5.3.4 Message size exceeds fixed maximum message size',
    source: 'Postfix',
  },
  // --- account suspended / disabled
  {
    reason: 'suspend',
    pattern: String.raw`(?:account|mail ?box)[^.]{0,40} is (?:disabled|suspended|inactive|deactivated)|(?:account|mail ?box|address|user|recipient|e-?mail)(?: address)? (?:has been |is |was |is currently |is temporarily )?(?:disabled|suspended|deactivated|inactive|locked|frozen|closed|expired|discontinued|terminated|blocked(?! by)|not (?:active|activated|in use))|(?:disabled|suspended|inactive|deactivated|expired|closed) (?:account|mail ?box|user|recipient)|is a deactivated mailbox|account (?:has been )?(?:temporarily |permanently )?(?:unavailable|on hold)|(?:mail ?box|account) (?:is )?(?:currently )?(?:unavailable|not available) (?:due to|because)|extended inactivity|no longer (?:active|in service)|user (?:is )?(?:inactive|suspended)|mail ?box (?:is )?(?:disabled|inactive)|account.{0,20}(?:disabled|suspended)`,
    example: '550 5.2.1 The email account that you tried to reach is disabled.',
    source: 'Gmail',
  },
  // --- moved
  {
    reason: 'hasmoved',
    pattern: String.raw`(?:has|have) moved|(?:address|mailbox|user) (?:has )?(?:changed|moved)|no longer (?:at|with) (?:this|that)|user not local(?:; please try)?|forwarding address`,
    example: '551 5.1.6 Recipient address has moved; please update your address book',
    source: 'sendmail, Domino',
  },
  // --- virus
  {
    reason: 'virusdetected',
    pattern: String.raw`\bvirus|malware|\binfected\b|malicious (?:content|attachment|payload|code|software)|trojan|\bworm\b|phishing content`,
    example: '550 This message contains a virus (Eicar-Test-Signature) and has been rejected',
    source: 'Exim with ClamAV',
  },
  // --- reputation of the sending IP/domain
  {
    reason: 'badreputation',
    pattern: String.raw`unexpected volume or user complaints|(?:poor|bad|low|insufficient|negative) (?:ip |sender |domain |sending )?reputation|reputation (?:of|for) (?:the |your )?(?:sending |sender )?(?:ip|domain|address)|(?:ip|sender|domain) reputation|unusual rate of unsolicited|sender score|senderscore|due to (?:the )?reputation`,
    example: '421 4.7.0 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating from your IP address.',
    source: 'Gmail',
  },
  // --- rate / connection limits
  {
    reason: 'ratelimited',
    pattern: String.raw`(?:connection|sending|message) frequency limit|too many (?:connections|concurrent|simultaneous|sessions|smtp sessions|messages|mails|emails|errors|invalid recipients|recipients (?:per|for this)|requests)|(?:rate|connection|sending|message) ?limit(?:ed|s)? (?:exceeded|reached|has been)|rate[- ]?limit|exceeded (?:the |your |our )?(?:message |sending |connection )?rate|sending (?:too fast|rate)|throttl|too fast|(?:try|please try) (?:again )?later.{0,40}(?:rate|volume)|(?:receiving|delivering) mail at a rate|(?:temporarily )?deferred due to (?:user complaints|rate|volume|high volume)|(?:high|unusual) (?:volume|rate) of|connection (?:count|rate) (?:limit|exceeded)|maximum (?:number of )?connections|too much (?:mail|traffic)|(?:exceeds?|over) (?:the )?(?:hourly|daily) (?:limit|quota)`,
    example: '421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later.',
    source: 'Exchange Online, Postfix anvil',
  },
  // --- per-recipient or per-connection throttles
  {
    reason: 'ratelimited',
    pattern: String.raw`is receiving mail (?:too quickly|at a rate)|deferred due to excessive volume|max(?:imum)? (?:number of )?messages? per (?:connection|session) (?:reached|exceeded)`,
    example: '450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend your message at a later time.',
    source: 'Gmail, Yahoo',
  },
  // --- RFC 5322 compliance of the message
  {
    reason: 'notcompliantrfc',
    pattern: String.raw`(?:not|non)[- ]?(?:rfc|standards)[- ]?(?:\d+ )?(?:compliant|conform)|rfc ?(?:5322|2822|5321|2821)|not (?:rfc|standards)[- ]compliant|non[- ]?compliant|multiple (?:from|to|subject|date|message-id|sender) (?:headers|fields|lines)|multiple addresses in (?:the )?from|(?:duplicate|missing|more than one) (?:from|date|subject|message-id|to) (?:header|field)|(?:header|headers) (?:are |is )?(?:not compliant|malformed|invalid)|bare (?:lf|linefeed|cr)|mime (?:structure|boundary) (?:is )?(?:invalid|malformed|broken)`,
    example: '550-5.7.1 This message is not RFC 5322 compliant. There are multiple From headers.',
    source: 'Gmail',
  },
  // --- Trend Micro InterScan MSS reports a recipient its directory lookup refused this way
  {
    reason: 'userunknown',
    explicit: true,
    pattern: String.raw`interscan messaging security suite.{0,300}unable to deliver message to`,
    example: '****** Message from InterScan Messaging Security Suite ****** The following mail could not be delivered. Reason: Unable to deliver message to <someone@example.jp> (and other recipients in the same domain).',
    source: 'Trend Micro InterScan MSS',
  },
  // --- the recipient does not exist, said so plainly enough to trust even after DATA
  {
    reason: 'userunknown',
    explicit: true,
    pattern: String.raw`(?:doesn't|does not) have an? [\w.-]+ account|\binvalid recipient\b|(?:e-?mail )?address (?:does not|doesn't) exist|address couldn't be found|recipient (?:address )?does not exist|resolver\.adr\.recip|recipient not found by smtp address lookup|recipient name is not recognized|no such (?:user|address|mailbox) here|no mailbox here by that name|recipient address rejected: access denied|not listed in (?:the )?(?:public )?(?:name & address book|directory)|requested action not taken: mailbox unavailable|invalid (?:final )?(?:delivery )?user ?id|mail\.local: unknown user`,
    example: "554 delivery error: dd This user doesn't have a example.com account (nobody@example.com) [0] - mta1001.mail.example.com",
    source: 'Yahoo',
  },
  // --- the recipient does not exist
  {
    reason: 'userunknown',
    pattern: String.raw`(?:account|address|mail ?box|user)[^.]{0,40} (?:does not|doesn't|did not) exist|recipient address rejected(?:\.? ?$|\. \(in reply to rcpt)|invalid (?:final )?(?:delivery )?user ?id|user(?:name)? (?:is )?unknown|unknown (?:user|recipient|mail ?box|local[- ]?part|address|account|alias|e-?mail)|no such (?:user|mail ?box|recipient|account|address|person|local user)|(?:user|mail ?box|recipient|account|address|addressee|e-?mail(?: address)?|local part|person|alias)(?: account)? (?:does not|doesn't|did not|does no longer|no longer) exists?|(?:user|mail ?box|recipient|account|address|addressee|e-?mail address)(?: name)? (?:not found|not known|unknown|not exist|non[- ]existent|nonexistent|is not valid|is invalid|invalid)|(?:invalid|bad|unknown|non[- ]?existent|unavailable|not a valid|illegal|unrouteable) (?:recipient|mail ?box|user|address|destination mailbox|e-?mail address|account|local user)|(?:recipient|mailbox|user|address) (?:address )?(?:unavailable|not (?:listed|valid|available|recognized|accepted))|(?:recipient|address) rejected: (?:user|unknown|invalid|no such|undeliverable|does not exist|not found|mailbox)|not (?:a )?(?:valid|known|local|recognized) (?:user|recipient|mail ?box|address|e-?mail)|address (?:not found|unknown|lookup failed)|recipient(?:notfound| not found)|(?:user|recipient) (?:lookup|check|verification) (?:failed|error)|no mail ?box (?:here|by that name|for|with)|mailbox unavailable|unknown or illegal alias|is not a (?:known|valid) (?:user|mail ?box|recipient)|(?:doesn't|does not) have an? [\w.-]+ account|undeliverable address|address (?:is )?(?:invalid|undeliverable|does not exist)|dosn't exist|no (?:valid )?(?:user|recipient|mailbox|account)(?:s)? (?:by|with|here|found|at)|(?:person|user|mailbox) (?:is )?not (?:here|found)|not our customer|rcpt ?to.{0,40}(?:unknown|invalid|not exist)|resolver\.adr\.recip|recipient (?:address )?(?:is )?not (?:in|on)|not listed in|user not local|bad destination (?:mail ?box|address)`,
    example: "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.",
    source: 'Gmail',
  },
  // --- web hosts that cannot tell a missing account from a missing domain: the domain
  {
    reason: 'hostunknown',
    pattern: String.raw`(?:the )?account or domain may not exist`,
    example: 'The mail server could not deliver mail to someone@example.net. The account or domain may not exist, they may be blacklisted, or missing the proper DNS entries.',
    source: 'GoDaddy (secureserver.net) relays',
  },
  // --- the recipient domain does not exist
  {
    reason: 'hostunknown',
    pattern: String.raw`host (?:or domain name )?(?:not found|unknown)|unknown (?:host|domain|mail ?host)|(?:domain|host ?name|mail domain)(?: name)? (?:not found|does not exist|doesn't exist|not exist|unknown|is not (?:valid|known)|lookup failed|not resolv)|no such (?:domain|host)|domain (?:is )?not reachable|unrout(?:e)?able (?:mail )?(?:domain|address)|name service error|nxdomain|(?:recipient|destination) domain .{0,40}(?:not (?:found|exist)|invalid|unknown)|all relevant mx records point to non-existent hosts|invalid domain|non-?existent (?:domain|host)|(?:dns|name) (?:lookup|resolution) (?:failure|failed).{0,40}(?:domain|host)`,
    example: 'Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found',
    source: 'Postfix',
  },
  // --- the envelope sender was refused
  {
    reason: 'rejected',
    pattern: String.raw`purported responsible address|address that has been (?:blocked|blacklisted|banned)|(?:do not|don't|may not) have (?:the )?permission to post|group you tried to contact|sender (?:address )?(?:rejected|denied|refused|blocked|not allowed|unknown|invalid|verify failed|verification failed|is blacklisted|is banned)|(?:invalid|bad|unknown|unverified|forged|unauthori[sz]ed|disallowed) sender|domain of sender address .{0,80}(?:does not exist|not found|must resolve)|(?:domain of )?sender (?:address )?(?:domain )?(?:does not exist|must resolve|not found|has no)|mail from (?!(?:your |the )?(?:ip|host|server|client)\b|\[?\d).{0,60}(?:rejected|refused|denied|not accepted)|(?:from|return|envelope|sender) (?:address|domain) (?:rejected|is not allowed|not accepted|denied|refused|invalid)|(?:your|the) (?:e-?mail )?address (?:has been|is) (?:blocked|blacklisted|banned)|(?:address|domain) .{0,40}(?:is )?in (?:my|our|the) (?:local )?(?:black|block) ?list|sender(?:'s)? (?:domain|address)? ?(?:is )?(?:on|in) (?:the |a |our )?(?:recipient's )?(?:black|block)\s?list|(?:blacklisted|blocked) (?:sender|from address)|sender is not (?:authorized|allowed)|reject(?:ed)? (?:by|due to) (?:the )?sender|null (?:sender|reverse[- ]path) (?:not|is not) allowed|rejected because (?:the )?(?:sender|from)`,
    example: '553 5.1.8 <sender@example.invalid>... Domain of sender address sender@example.invalid does not exist',
    source: 'sendmail',
  },
  // --- the envelope sender's domain does not resolve
  {
    reason: 'rejected',
    pattern: String.raw`unresolvable rfc\.?5321 (?:from )?domain`,
    example: '451 Message temporarily deferred due to unresolvable RFC.5321 from domain. See https://senders.yahooinc.com/error-codes#unresolvable-from-domain',
    source: 'Yahoo',
  },
  // --- the sending host/IP is refused (blocklists, dynamic IPs, connection refusals)
  {
    reason: 'blocked',
    pattern: String.raw`messages from \[?[\d.]+\]? weren't sent|\bblocked - see|a problem occurred\. \(ask your postmaster|service refused?\b|invalid ip for sending|black ?list|block ?list|\bdnsbl\b|\brbl\b|spamhaus|spamcop|\bsorbs\b|barracuda(?:central)?|\buceprotect|psbl|listed (?:in|on|at|by)|(?:ip|host|client|connection|server|network)(?: address)? (?:\[?[\d.:a-f]+\]? )?(?:has been |is |was )?(?:blocked|banned|blacklisted|black listed|refused|rejected|denied|not allowed|not permitted)|(?:client|sending) host .{0,60}(?:blocked|rejected|refused)|access (?:denied|refused)|(?:connection|session) (?:refused|rejected|dropped|not accepted|denied)|dynamic(?:ally)?(?: assigned)? (?:ip|ips|address|pool|host|range)|dial-?up|residential|(?:use|through) (?:the )?(?:smtp|mail) (?:server|relay) of your (?:isp|provider)|not allowed to send|(?:mail|messages?|connections?) from (?:your )?(?:ip|host|network|\d+\.\d+\.\d+\.\d+).{0,60}(?:refused|rejected|blocked|not accepted|banned)|banned|blocked (?:using|by|due)|not accepting connections|(?:your|this) (?:ip|host|server|network)(?: address)? .{0,30}(?:blocked|banned|blacklisted|rejected|not allowed|refused)|we do not accept mail from|(?:has|have) been blocked|temporarily (?:blocked|rejected|deferred) .{0,40}(?:ip|host)|helo (?:command )?(?:rejected|refused)|\bcbl\b|(?:bad|invalid|illegal) (?:helo|ehlo)|rp:rdn|rp:dbl`,
    example: '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
    source: 'Postfix reject_rbl_client',
  },
  // --- content judged to be spam
  {
    reason: 'spamdetected',
    pattern: String.raw`\bspam(?!haus|cop|trap)|junk ?mail|unsolicited|\bubce?\b|bulk (?:e-?)?mail|suspicious (?:content|message|mail)|looks like (?:spam|junk)|content (?:filter|rejected|scan)|classified as|high probability of|rejected (?:by|as) (?:the )?(?:content|message) filter|mail content denied|(?:message )?content rejected|message (?:content )?(?:rejected|refused) as|score (?:of|too high|exceeded)|scored too high|x-spam`,
    example: "550 5.7.1 Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked.",
    source: 'Gmail',
  },
  // --- policy
  {
    reason: 'policyviolation',
    pattern: String.raw`potential security issue|polic(?:y|ies)|(?:violates?|violation of|against) (?:our|the|local)|(?:prohibited|forbidden|not allowed|blocked) (?:attachment|file|extension|content|type|url|link)|attachment(?:s)? (?:type |types )?(?:is |are )?(?:not allowed|blocked|prohibited|forbidden|rejected)|(?:executable|dangerous) (?:content|attachment|file)|acceptable use|terms of service|\baup\b`,
    example: '550 5.7.1 Message rejected due to local policy',
    source: 'Exchange, generic',
  },
  // --- the SMTP dialogue broke the receiver's rules (talking before the greeting, pipelining)
  {
    reason: 'policyviolation',
    pattern: String.raw`\bprotocol violation|no data before greeting|content presents a potential`,
    example: '550 Protocol violation',
    source: 'Postfix postscreen, Cox, Gmail ("content presents a potential security issue")',
  },
  // --- the recipient's own filters / a mailbox that takes nothing
  {
    reason: 'filtered',
    pattern: String.raw`(?:due to|by) (?:the )?(?:user|recipient) (?:rules|preferences|filters?)|user reject|refuses? to (?:accept|receive) (?:your|this) mail|(?:refused|rejected|blocked|denied|filtered) by (?:the )?(?:recipient|user|mail ?box owner)(?! domain| server| mail ?server| system| host)|(?:recipient|user) (?:has )?(?:rejected|refused|blocked|chosen to block|filtered|set up a filter)|(?:recipient|user)'s (?:filter|rules|settings|block ?list)|(?:user|recipient) (?:rejected|refuses|does not accept)|(?:do|does) not accept (?:mail|e-?mail|messages) from (?:you|this sender|your address)|not accepting (?:mail|messages) from|mail ?box (?:not accepting|refuses)|delivery not authorized|message (?:filtered|refused|blocked)|(?:is|was) filtered|filter(?:ed|ing) (?:rule|by)|mailbox (?:disabled|not accepting)`,
    example: '550 5.7.1 RCP-P2 Refused due to recipient preferences',
    source: 'Facebook',
  },
  // --- malformed content or headers
  {
    reason: 'contenterror',
    pattern: String.raw`(?:header|headers) (?:error|too (?:long|large|many)|syntax|line too long)|8-?bit (?:header|characters? in header)|(?:invalid|illegal|malformed|bad|broken) (?:header|mime|message|content|character|encoding|attachment|structure|8bit)|message (?:header )?(?:is )?(?:malformed|corrupt|invalid)|content (?:error|type not allowed)|(?:line|lines) too long|(?:too many|maximum) (?:received|headers)|mime (?:error|parts)|conversion (?:failed|required)`,
    example: '554 5.6.0 Message contains invalid header',
    source: 'generic',
  },
  // --- the destination takes no mail at all
  {
    reason: 'notaccept',
    pattern: String.raw`no (?:valid )?(?:mx|mail exchanger)(?: or (?:a )?(?:srv|ip address|a record))?(?: record)?s? (?:found|for|exists?|record)|(?:couldn't|could not|cannot|can't|unable to) find (?:a|any) mail exchanger|(?:mx|srv) record indicated no|domain (?:has no|without) (?:mx|mail)|(?:does not|doesn't|do not|will not|won't|never) (?:accept|receive) (?:any )?(?:e-?mail|mail|messages)|(?:not|no longer) accepting (?:any )?(?:e-?mail|mail)|null mx|no mail service|(?:domain|host) (?:accepts|receives) no mail|mail (?:is )?not accepted (?:here|by this)|\b556\b|mail for .{0,60} not accepted`,
    example: '556 5.1.10 Recipient address has null MX',
    source: 'RFC 7505 receivers',
  },
  // --- the remote disk is full
  {
    reason: 'systemfull',
    pattern: String.raw`(?:insufficient|not enough|out of) (?:system )?(?:storage|disk space|disk|space)|(?:system|disk|file ?system|spool|queue) (?:is )?(?:full|out of space)|no space left`,
    example: '452 4.3.1 Insufficient system storage',
    source: 'Postfix, sendmail',
  },
  // --- gave up after retrying
  {
    reason: 'expired',
    pattern: String.raw`did not accept our requests to connect|(?:aborted|abandoned|given up|failed) after \d+(?:\.\d+)? ?(?:hours?|hour\(s\)|days?|day\(s\)|minutes?)|(?:connection|connect) (?:timed out|time-?out|refused|failed)|(?:could not|couldn't|unable to|cannot|can't) (?:connect|establish)|host (?:is )?(?:not reachable|unreachable|down)|failing for a long time|delivery failed \d+ attempts|envelope expired|unable to deliver in \d+|(?:delivery|retry|queue|message) (?:time|period|lifetime|timeout)s? (?:has )?(?:expired|exceeded)|retry (?:time(?:out)? )?(?:not reached|exceeded)|(?:has been|was|were|have been) (?:in the queue|queued|delayed|undeliverable) (?:for )?too long|(?:could not|couldn't|was not|has not been|not) (?:be )?delivered (?:for|within|in) (?:the last )?\d+|(?:for|in|after) (?:more than )?\d+ (?:days?|hours?)|message expired|expired (?:after|in) (?:the )?queue|too long in (?:the )?queue|gave up|giving up|delivery (?:has been )?(?:delayed|deferred)|undeliverable for|will (?:keep|continue) (?:trying|to try)|still (?:trying|being retried)|could not be delivered .{0,30}(?:time|period)`,
    example: 'retry timeout exceeded',
    source: 'Exim',
  },
  // --- sendmail's temporary DNS failure, also when the message finally expired because of it
  {
    reason: 'networkerror',
    pattern: String.raw`(?:host ?name|name server:? .{0,80}) lookup failure`,
    example: 'Deferred: Name server: example.co.jp.: host name lookup failure',
    source: 'sendmail',
  },
  // --- the sender's DNS lookups for the destination failed
  {
    reason: 'networkerror',
    pattern: String.raw`\bdns query failed`,
    example: '450 4.4.312 DNS query failed [Message=InfoNoRecords]',
    source: 'Exchange Online',
  },
  // --- network, DNS, loops
  {
    reason: 'networkerror',
    pattern: String.raw`dns error|host not found, try again|network (?:error|is unreachable|unreachable)|no route to host|connection (?:reset|lost|closed)|(?:dns|name server|nameserver) (?:error|failure|timeout|problem|lookup (?:error|failure|timeout))|(?:host|dns|mx) lookup (?:did not complete|failed|timeout|timed out)|mail (?:forwarding )?loop|loops? back to myself|routing loop|too many hops|hop count exceeded|loop detected|malformed (?:or unexpected )?name server reply|temporary failure in name resolution|lost connection`,
    example: 'Name service error for domain example.net: Host not found, try again',
    source: 'Postfix',
  },
  // --- remote system trouble
  {
    reason: 'systemerror',
    pattern: String.raw`system (?:error|failure|problem|not available|config)|internal (?:server )?(?:error|failure)|server (?:error|failure|misconfiguration)|local (?:error|problem) in processing|temporary local (?:problem|failure|error)|(?:configuration|config) error|unexpected error|mail ?system (?:error|problem)|service (?:is )?(?:currently |temporarily )?(?:unavailable|not available)|(?:remote|destination) (?:server|system) (?:error|failure)|(?:error|problem) (?:on|in|with) (?:the )?(?:remote|destination|mail) (?:server|system|host)`,
    example: '451 4.3.0 Temporary system failure. Please try again later.',
    source: 'generic',
  },
  // --- remote configuration missing for the recipient domain (McAfee MX Logic)
  {
    reason: 'systemerror',
    pattern: String.raw`could not load drd for domain`,
    example: '451 Could not load DRD for domain (example.com) rcpt (someone@example.com)',
    source: 'McAfee MX Logic',
  },
  // --- other security/authentication trouble (SMTP AUTH, certificates)
  {
    reason: 'securityerror',
    pattern: String.raw`authentication (?:is )?(?:required|failed|failure|credentials invalid)|(?:smtp )?auth(?:entication)? required|must (?:authenticate|be authenticated)|(?:not|un)authenticated|(?:certificate|cert) (?:verify|verification|expired|invalid|not trusted|error)|security (?:policy|violation|error)|insecure|not authorized|unauthorized|permission denied|access not allowed`,
    example: '530 5.7.0 Authentication required',
    source: 'Postfix submission',
  },
  // --- SMTP dialogue errors
  {
    reason: 'syntaxerror',
    pattern: String.raw`syntax error|command parameter not implemented|parameter not (?:implemented|recognized)|(?:improper|bad|wrong) sequence of commands|command (?:unrecognized|not recognized|not implemented|unknown)|unrecognized command|bad sequence of commands|(?:invalid|unknown|illegal) (?:smtp )?command|line too long in smtp`,
    example: '501 5.5.4 Syntax error in parameters or arguments',
    source: 'generic',
  },
  // --- the local delivery program failed
  {
    reason: 'mailererror',
    pattern: String.raw`x-unix|mailer (?:error|failure)|(?:command|program|pipe|procmail|delivery agent|mda) (?:failed|died|crashed|error|exited|returned)|exit (?:code|status) \d|\bpipe to\b|unknown mailer error|local delivery failed|(?:permission|access) denied .{0,40}(?:pipe|command|file)|returned status|child process`,
    example: 'Command died with status 127: "/usr/local/bin/deliver". Command output: sh: 1: /usr/local/bin/deliver: not found',
    source: 'Postfix local(8)',
  },
];

/** Auto-reply wording: used to recognise vacation/out-of-office replies, never as a bounce reason. */
export const VACATION_PATTERNS: { pattern: string; example: string }[] = [
  {
    pattern: String.raw`out of (?:the )?office|on (?:vacation|holiday|leave|annual leave)|auto(?:matic)?[- ]?(?:reply|response|responder|antwort)|away from (?:the|my) (?:office|desk)|abwesenheit|absence|\babsent\b|i am (?:currently )?away|limited access to (?:my )?e-?mail|back (?:in the office )?on`,
    example: 'I am out of the office until Monday with limited access to email.',
  },
];
