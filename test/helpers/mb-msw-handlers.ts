import {delay, http, HttpResponse} from 'msw';
import {handleMbRequest, type SimulatorOptions} from '../../simulator/handle-mb-request.js';

export const MB_V4_BASE = 'https://api.mercadobitcoin.net/api/v4';
export const MB_LEGACY_BASE = 'https://mobile.mercadobitcoin.com.br/v4';

/** msw handlers for both MB hosts, answered by the same function that backs `mms simulate`. */
export function mbHandlers(options: SimulatorOptions) {
  const answer = async ({request}: {request: Request}) => {
    const response = handleMbRequest(new URL(request.url), options);
    if (response.delayMs) await delay(response.delayMs);
    return new HttpResponse(response.body, {status: response.status, headers: response.headers});
  };
  return [http.get('https://api.mercadobitcoin.net/*', answer), http.get('https://mobile.mercadobitcoin.com.br/*', answer)];
}
