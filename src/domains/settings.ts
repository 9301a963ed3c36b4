// The operator's side of every tenant's DNS plan, derived from the node's configuration so
// that no extra settings are needed:
//   SPF include host   _spf.<hostname>        the operator publishes the egress IPs there
//   return-path target <bounceDomain>         its MX already points at Relais (VERP bounces)
//   DMARC rua          dmarc@<bounceDomain>   reports arrive at the same MX
// Tracking CNAMEs are not planned until tracking has a host setting.
import type { Config } from '../core/config.ts';

export interface OperatorDnsSettings {
  spfInclude: string;
  returnPathHost: string;
  dmarcRua: string;
}

export function operatorDnsSettings(config: Pick<Config, 'hostname' | 'bounceDomain'>): OperatorDnsSettings {
  const host = config.hostname.toLowerCase().replace(/\.$/, '');
  const bounce = config.bounceDomain.toLowerCase().replace(/\.$/, '');
  return { spfInclude: `_spf.${host}`, returnPathHost: bounce, dmarcRua: `dmarc@${bounce}` };
}
