// The chart page of `mms serve`: a plain script, no build step. It reads the same HTTP API as any client —
// GET /pairs (pairs, the fields served, the server's "today"), then GET /{pair}/records for the chosen period — and
// draws with Lightweight Charts, served by mms itself (the page must work offline).

(() => {
  const DAY = 86_400;
  const CLOSE_COLOR = '#111827';
  const WINDOW_COLORS = ['#2563eb', '#f59e0b', '#db2777', '#059669', '#7c3aed', '#0891b2'];
  // Bars are UTC days: a local-time date would show the previous day west of Greenwich.
  const dateFormat = new Intl.DateTimeFormat('pt-BR', {timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric'});
  /** Time-axis labels by Lightweight Charts' TickMarkType (year, month, day of month), also in UTC. */
  const tickFormats = [{year: 'numeric'}, {month: 'short'}, {day: '2-digit', month: '2-digit'}].map(
    (o) => new Intl.DateTimeFormat('pt-BR', {timeZone: 'UTC', ...o}),
  );

  const pairSelect = document.getElementById('pair');
  const periodSelect = document.getElementById('period');
  const status = document.getElementById('status');
  const chartsBox = document.getElementById('charts');
  /** The periods offered, in days: the <option>s of index.html. */
  const periods = [...periodSelect.options].map((option) => Number(option.value));

  /** One chart per pair, made when first shown; exposed for tests and the console. */
  const charts = {};
  window.mmsCharts = charts;
  let config;
  /** Whether `config` was just fetched (by start): the first show() need not ask again. */
  let configIsFresh = false;
  /** Only the answer to the latest choice is drawn, whatever order the answers arrive in. */
  let latestRequest = 0;

  start();

  async function start() {
    if (!window.LightweightCharts) return showError(new Error('the chart library did not load; reload the page.'));
    try {
      config = await api('/pairs');
      configIsFresh = true;
    } catch (error) {
      return showError(error);
    }
    // quote and base are null for a pair whose name the server cannot split: its name alone then.
    for (const {pair, base, quote} of config.pairs) pairSelect.add(new Option(quote === null ? pair : `${pair} (${base} in ${quote})`, pair));
    const params = new URLSearchParams(location.search);
    if (config.pairs.some((p) => p.pair === params.get('pair'))) pairSelect.value = params.get('pair');
    if (periods.includes(Number(params.get('days')))) periodSelect.value = params.get('days');
    pairSelect.disabled = false;
    pairSelect.addEventListener('change', show);
    periodSelect.addEventListener('change', show);
    await show();
  }

  async function show() {
    const pair = pairSelect.value;
    const days = Number(periodSelect.value);
    history.replaceState(null, '', `?pair=${encodeURIComponent(pair)}&days=${days}`);
    const request = ++latestRequest;
    setStatus('loading', `Loading ${pair}, last ${days} days…`);
    let rows;
    try {
      // Asked again each time: the server's "today" (hence the oldest `from` it accepts) moves on.
      if (!configIsFresh) config = await api('/pairs');
      configIsFresh = false;
      try {
        rows = await records(pair, days);
      } catch (error) {
        // The server's day changed between the two requests (midnight UTC): its new bounds, and once more.
        if (error.code !== 'from_too_old') throw error;
        config = await api('/pairs');
        rows = await records(pair, days);
      }
    } catch (error) {
      if (request === latestRequest) showError(error, pair);
      return;
    }
    if (request !== latestRequest) return;
    const info = config.pairs.find((p) => p.pair === pair);
    if (rows.length === 0) return showEmpty(info, days);
    charts[pair] ??= createChart(info, config.fields);
    const view = charts[pair];
    for (const other of Object.values(charts)) other.section.hidden = other !== view;
    draw(view, rows, days);
    setStatus('ready', '');
  }

  /** The rows of `pair` for the last `days` days, within the bounds of the server's day as `config` gives it. */
  function records(pair, days) {
    const from = Math.max(config.oldestFrom, config.today - days * DAY);
    return api(`/${encodeURIComponent(pair)}/records?from=${from}`);
  }

  /** GET as JSON; any failure becomes an Error whose message says what went wrong, in the API's words when it gave some. */
  async function api(path) {
    let response;
    try {
      response = await fetch(path, {headers: {accept: 'application/json'}});
    } catch (error) {
      throw new Error(`cannot reach the mms server (${error.message}); is \`mms serve\` still running?`);
    }
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`the server answered ${response.status} with something that is not JSON.`);
    }
    if (!response.ok) {
      throw Object.assign(new Error(`${body.message ?? 'the request failed.'} (HTTP ${response.status}${body.error ? `, ${body.error}` : ''})`), {
        code: body.error,
      });
    }
    return body;
  }

  /**
   * `fields` are what the server's transforms write, as /pairs describes them: a price (an average) is drawn
   * on the price axis at the right, anything else (a signal, a ratio) on an axis of its own at the left.
   */
  function createChart({pair, base, quote}, fields) {
    const money = moneyFormat(quote);
    const plain = plainFormat();
    const keys = ['close', ...fields.map((f) => f.name)];
    const labels = {close: 'Close', ...Object.fromEntries(fields.map((f) => [f.name, f.label]))};
    const colors = {close: CLOSE_COLOR, ...Object.fromEntries(fields.map((f, i) => [f.name, WINDOW_COLORS[i % WINDOW_COLORS.length]]))};
    const priced = new Set(['close', ...fields.filter((f) => f.unit === 'price').map((f) => f.name)]);
    const formats = Object.fromEntries(keys.map((key) => [key, priced.has(key) ? money : plain]));

    const section = element('section', {class: 'chart', 'data-pair': pair, 'aria-labelledby': `title-${pair}`});
    const title = element('h2', {id: `title-${pair}`}, pair);
    if (quote !== null) title.append(' ', element('small', {}, `${base} priced in ${quote}`));
    const legend = element('ul', {class: 'legend', 'aria-label': `Values of ${pair}`});
    const day = element('li', {class: 'day'});
    legend.append(day);
    const items = {};
    for (const key of keys) {
      const swatch = element('span', {class: 'swatch', 'aria-hidden': 'true'});
      swatch.style.background = colors[key];
      const value = element('span', {class: 'value'});
      items[key] = {item: element('li', {'data-series': key}, swatch, labels[key], value), value};
      legend.append(items[key].item);
    }
    const plot = element('div', {class: 'plot', role: 'img'});
    section.append(title, legend, plot);
    chartsBox.append(section);

    const chart = LightweightCharts.createChart(plot, {
      autoSize: true,
      layout: {background: {color: '#ffffff'}, textColor: '#374151', fontFamily: 'system-ui, sans-serif'},
      grid: {vertLines: {color: '#f3f4f6'}, horzLines: {color: '#f3f4f6'}},
      localization: {locale: 'pt-BR', timeFormatter: (time) => dateFormat.format(time * 1000)},
      rightPriceScale: {borderVisible: false},
      leftPriceScale: {visible: priced.size < keys.length, borderVisible: false},
      timeScale: {borderVisible: false, tickMarkFormatter: (time, type) => tickFormats[type]?.format(time * 1000) ?? null},
    });
    const series = {};
    for (const key of keys) {
      series[key] = chart.addSeries(LightweightCharts.LineSeries, {
        color: colors[key],
        lineWidth: key === 'close' ? 2 : 1,
        priceLineVisible: false,
        lastValueVisible: key === 'close',
        crosshairMarkerRadius: 3,
        priceScaleId: priced.has(key) ? 'right' : 'left',
        // The price axis and labels in the quote currency (an axis formats with its first series' format).
        priceFormat: {type: 'custom', formatter: (value) => formats[key].format(value), minMove: 0.01},
      });
    }
    const view = {pair, section, plot, chart, series, items, day, formats, rows: new Map(), last: undefined};
    chart.subscribeCrosshairMove((param) => showValues(view, param.time === undefined ? undefined : view.rows.get(param.time)));
    return view;
  }

  function draw(view, rows, days) {
    view.rows = new Map(rows.map((row) => [row.timestamp, row]));
    view.last = rows.at(-1);
    for (const [key, series] of Object.entries(view.series)) {
      // A day without a value is whitespace (never a value of 0). Lightweight Charts would still join the
      // points either side of it; a segment takes the colour of the point it leaves, so the last point before
      // a gap gets a transparent one and the line breaks there.
      const data = rows.map((row) => (typeof row[key] === 'number' ? {time: row.timestamp, value: row[key]} : {time: row.timestamp}));
      for (let i = 0; i + 1 < data.length; i++) if (data[i].value !== undefined && data[i + 1].value === undefined) data[i].color = 'transparent';
      series.setData(data);
      const points = rows.filter((row) => typeof row[key] === 'number');
      const {item} = view.items[key];
      item.dataset.points = String(points.length);
      item.dataset.last = points.length ? String(points.at(-1)[key]) : '';
    }
    view.chart.timeScale().fitContent();
    view.plot.setAttribute(
      'aria-label',
      `Line chart of the ${view.pair} daily close and its moving averages, ${rows.length} days from ${dateFormat.format(rows[0].timestamp * 1000)} to ${dateFormat.format(view.last.timestamp * 1000)}`,
    );
    view.section.dataset.days = String(days);
    view.section.dataset.state = 'ready';
    showValues(view, undefined);
  }

  /** The legend shows the hovered day, or the newest one when the pointer is elsewhere. */
  function showValues(view, hovered) {
    const row = hovered ?? view.last;
    if (!row) return;
    view.day.textContent = dateFormat.format(row.timestamp * 1000);
    view.section.dataset.time = String(row.timestamp);
    view.section.dataset.hovered = hovered ? 'true' : 'false';
    for (const [key, {item, value: valueElement}] of Object.entries(view.items)) {
      const value = row[key];
      item.dataset.value = typeof value === 'number' ? String(value) : '';
      valueElement.textContent = typeof value === 'number' ? view.formats[key].format(value) : '—';
    }
  }

  function showEmpty(info, days) {
    for (const view of Object.values(charts)) view.section.hidden = true;
    const message = document.createElement('span');
    if (config.pairs.every((p) => p.latest === null)) {
      message.append(
        'Nothing is stored yet. Fill the store with ',
        element('code', {}, 'mms ingest'),
        ' (it loads the last year of every configured pair), then reload this page.',
      );
    } else {
      const newest = info.latest === null ? 'none' : dateFormat.format(info.latest * 1000);
      message.append(
        `No ${info.pair} data in the last ${days} days (newest stored day: ${newest}). Run `,
        element('code', {}, 'mms ingest'),
        ' to bring the store up to date.',
      );
    }
    setStatus('empty', message);
  }

  function showError(error, pair) {
    setStatus('error', `Could not load ${pair ?? 'the page'}: ${error.message}`);
  }

  function setStatus(state, content) {
    document.body.dataset.state = state;
    status.className = state;
    // An error interrupts (alert); progress and the empty state are announced politely.
    status.setAttribute('role', state === 'error' ? 'alert' : 'status');
    status.replaceChildren(...(content ? [content] : []));
    if (state === 'error') for (const view of Object.values(charts)) view.section.hidden = true;
  }

  /** Numbers that are no price, as they are (up to 8 decimals). */
  function plainFormat() {
    const number = new Intl.NumberFormat('pt-BR', {maximumFractionDigits: 8});
    return {format: (value) => number.format(value)};
  }

  /** Prices in `currency` (null: unknown, plain numbers). */
  function moneyFormat(currency) {
    if (currency === null) return plainFormat();
    try {
      return new Intl.NumberFormat('pt-BR', {style: 'currency', currency});
    } catch {
      // Not an ISO 4217 code: a plain number, with the code after it.
      const number = new Intl.NumberFormat('pt-BR', {maximumFractionDigits: 8});
      return {format: (value) => `${number.format(value)} ${currency}`};
    }
  }

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }
})();
