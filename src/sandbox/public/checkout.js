/*
 * The sandbox checkout page. Card data is handed only to MercadoPago.js (Mercado Pago's script, or
 * the emulator's stand-in with the same API); this service receives the card token.
 */
(function () {
  'use strict';

  // Mercado Pago's published sandbox cards per site (CVV 123, Amex 1234).
  var TEST_CARDS = {
    MLA: [
      ['Mastercard', '5031755734530604'],
      ['Visa', '4509953566233704'],
      ['American Express', '371180303257522'],
      ['Mastercard debit', '5287338310253304'],
      ['Visa debit', '4002768694395619'],
    ],
    MLB: [
      ['Mastercard', '5031433215406351'],
      ['Visa', '4235647728025682'],
      ['American Express', '375365153556885'],
      ['Elo debit', '5067766783888311'],
    ],
    MLC: [
      ['Mastercard', '5416752602582580'],
      ['Visa', '4168818844447115'],
      ['American Express', '375778174461804'],
      ['Mastercard debit', '5241019826646950'],
      ['Visa debit', '4023653523914373'],
    ],
    MCO: [
      ['Mastercard', '5254133674403564'],
      ['Visa', '4013540682746260'],
      ['American Express', '374378187755283'],
      ['Visa debit', '4915112055246507'],
    ],
    MLM: [
      ['Mastercard', '5474925432670366'],
      ['Visa', '4075595716483764'],
      ['Mastercard debit', '5579053461482647'],
      ['Visa debit', '4189141221267633'],
    ],
    MLU: [
      ['Mastercard', '5031755734530604'],
      ['Visa', '4509953566233704'],
      ['Visa debit', '4213016314706756'],
    ],
    MPE: [
      ['Mastercard', '5031755734530604'],
      ['Visa', '4009175332806176'],
      ['American Express', '371180303257522'],
      ['Mastercard debit', '5178781622202455'],
    ],
  };
  var DOCUMENTS = {
    MLA: ['DNI', '12345678'],
    MLB: ['CPF', '12345678909'],
    MLC: ['Otro', '123456789'],
    MCO: ['CC', '123456789'],
    MLU: ['CI', '12345678'],
    MPE: ['CE', '123456789'],
  };
  var LOCALES = {
    MLA: 'es-AR',
    MLB: 'pt-BR',
    MLC: 'es-CL',
    MCO: 'es-CO',
    MLM: 'es-MX',
    MLU: 'es-UY',
    MPE: 'es-PE',
  };
  // The cardholder name decides the sandbox outcome.
  var OUTCOMES = [
    ['APRO', 'approved'],
    ['OTHE', 'rejected: other reason'],
    ['CONT', 'pending (in process)'],
    ['CALL', 'rejected: call to authorize'],
    ['FUND', 'rejected: insufficient amount'],
    ['SECU', 'rejected: security code'],
    ['EXPI', 'rejected: expiry date'],
    ['FORM', 'rejected: form error'],
    // The emulator's own code: the issuer asks for a 3DS challenge (needs 3DS optional/mandatory).
    ['CHAL', '3DS challenge'],
  ];
  var SETTLED = [
    'approved',
    'rejected',
    'cancelled',
    'refunded',
    'charged_back',
    'failed',
    'abandoned',
  ];
  var POLL_MS = 1000;
  var SETTLED_POLL_MS = 5000;
  var WATCH_FOR_MS = 15 * 60 * 1000;

  var el = function (id) {
    return document.getElementById(id);
  };
  var credentialId = new URLSearchParams(location.search).get('credential_id');
  var mp;
  var card = { paymentMethodId: null, issuerId: null };
  var watching = 0;
  var pollNow = function () {};
  var lastAsked = '';

  function option(select, value, text) {
    var item = document.createElement('option');
    item.value = value;
    item.textContent = text;
    select.appendChild(item);
  }

  function showError(error) {
    var body = error && error.error ? error.error : error;
    el('error').textContent = body && body.message ? body.message : String(error);
  }

  function service(method, path, body, headers) {
    var init = { method: method, headers: Object.assign({}, headers) };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch('/sandbox/checkout' + path, init).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) throw json;
        return json;
      });
    });
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = url;
      script.onload = resolve;
      script.onerror = function () {
        reject(new Error('Could not load MercadoPago.js from ' + url));
      };
      document.head.appendChild(script);
    });
  }

  function randomKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return b.toString(16).padStart(2, '0');
      })
      .join('');
  }

  /**
   * Brand, issuer and installments from the service's lookups. Only the first six digits leave
   * the page for this service (what a card token's first_six_digits shows anyway).
   */
  function refreshCard() {
    var bin = el('card').value.slice(0, 6);
    var select = el('installments');
    // A blur re-fires change: asking again would reset the installments a person just picked.
    var asked = bin + ' ' + el('amount').value;
    if (asked === lastAsked) return;
    lastAsked = asked;
    var credential = credentialId ? 'credential_id=' + encodeURIComponent(credentialId) : '';
    el('pay').disabled = true;
    return service('GET', '/card-bins/' + bin + (credential ? '?' + credential : ''))
      .then(function (found) {
        card.paymentMethodId = found.payment_method_id;
        card.issuerId = found.issuer ? found.issuer.id : null;
        var query = new URLSearchParams({ amount: el('amount').value, bin: bin });
        return service('GET', '/installments?' + query + (credential ? '&' + credential : ''));
      })
      .then(function (answer) {
        select.textContent = '';
        var costs = answer.data[0] ? answer.data[0].payer_costs : [];
        costs.forEach(function (cost) {
          var label = cost.recommended_message || cost.installments + 'x';
          // Argentina: the financial cost (CFT/TEA) must be shown to the buyer.
          var rates = cost.labels.filter(function (text) {
            return text.indexOf('CFT_') === 0;
          });
          option(select, String(cost.installments), label + (rates.length ? ' ' + rates[0] : ''));
        });
        el('pay').disabled = costs.length === 0;
      })
      .catch(function (error) {
        lastAsked = '';
        showError(error);
      });
  }

  function show(payment) {
    var language = el('result').getAttribute('data-language');
    el('result').hidden = false;
    el('payment-id').textContent = payment.id;
    el('status').textContent = payment.status;
    el('status-detail').textContent = payment.status_detail || '';
    el('buyer-message').textContent = payment.buyer_message ? payment.buyer_message[language] : '';
    var history = el('history');
    var line = payment.status + ' / ' + (payment.status_detail || '');
    var last = history.lastElementChild;
    if (!last || last.textContent !== line) {
      var item = document.createElement('li');
      item.textContent = line;
      item.setAttribute('data-status', payment.status);
      history.appendChild(item);
    }
    if (payment.status_detail !== 'pending_challenge') el('challenge').hidden = true;
  }

  /** Later changes arrive by Mercado Pago's notifications; the page reads the payment back. */
  function watch(id) {
    var run = ++watching;
    var until = Date.now() + WATCH_FOR_MS;
    var timer;
    var next = function (ms) {
      clearTimeout(timer);
      timer = setTimeout(tick, ms);
    };
    var tick = function () {
      if (run !== watching || Date.now() > until) return;
      service('GET', '/payments/' + id).then(
        function (payment) {
          show(payment);
          next(SETTLED.indexOf(payment.status) === -1 ? POLL_MS : SETTLED_POLL_MS);
        },
        function () {
          next(SETTLED_POLL_MS);
        },
      );
    };
    pollNow = function () {
      next(0);
    };
    next(POLL_MS);
  }

  /** As Mercado Pago's front end does: POST creq to the issuer's page inside an iframe. */
  function challenge(info) {
    var box = el('challenge');
    box.textContent = '';
    box.hidden = false;
    var frame = document.createElement('iframe');
    frame.name = 'three-ds-challenge';
    frame.title = '3DS challenge';
    box.appendChild(frame);
    var form = document.createElement('form');
    form.method = 'POST';
    form.action = info.external_resource_url;
    form.target = frame.name;
    var creq = document.createElement('input');
    creq.type = 'hidden';
    creq.name = 'creq';
    creq.value = info.creq;
    form.appendChild(creq);
    box.appendChild(form);
    form.submit();
  }

  // The challenge page tells its parent when it ends; the outcome itself is read back from the
  // service, which learns it from Mercado Pago's notification.
  window.addEventListener('message', function (event) {
    var frame = el('challenge').querySelector('iframe');
    if (frame && event.source === frame.contentWindow) pollNow();
  });

  function pay(event) {
    event.preventDefault();
    el('error').textContent = '';
    el('history').textContent = '';
    el('pay').disabled = true;
    var number = el('card').value;
    var amex = /^3[47]/.test(number);
    mp.createCardToken({
      cardNumber: number,
      cardholderName: el('outcome').value,
      cardExpirationMonth: '11',
      cardExpirationYear: '2030',
      securityCode: amex ? '1234' : '123',
      identificationType: el('doc-type').value || undefined,
      identificationNumber: el('doc-number').value || undefined,
    })
      .then(function (token) {
        var body = {
          token: token.id,
          transaction_amount: el('amount').value,
          installments: Number(el('installments').value),
          payment_method_id: card.paymentMethodId,
          payer: { email: el('email').value },
        };
        if (card.issuerId) body.issuer_id = String(card.issuerId);
        if (el('doc-type').value) {
          body.payer.identification = {
            type: el('doc-type').value,
            number: el('doc-number').value,
          };
        }
        if (el('three-ds').value !== 'not_supported') {
          body.three_d_secure_mode = el('three-ds').value;
        }
        if (credentialId) body.credential_id = credentialId;
        // One key per attempt: a retry of this click is the same payment, a new click a new one.
        return service('POST', '/pay', body, { 'idempotency-key': randomKey() });
      })
      .then(function (payment) {
        show(payment);
        if (payment.three_ds_info) challenge(payment.three_ds_info);
        watch(payment.id);
      })
      .catch(showError)
      .then(function () {
        el('pay').disabled = false;
      });
  }

  function start(config) {
    el('sdk-url').textContent = config.mercadopago_js_url;
    var locale = LOCALES[config.site_id] || 'es-AR';
    el('result').setAttribute('data-language', locale.slice(0, 2) === 'pt' ? 'pt' : 'es');
    (TEST_CARDS[config.site_id] || []).forEach(function (entry) {
      option(el('card'), entry[1], entry[0] + ' ' + entry[1]);
    });
    OUTCOMES.forEach(function (entry) {
      option(el('outcome'), entry[0], entry[0] + ' (' + entry[1] + ')');
    });
    return loadScript(config.mercadopago_js_url)
      .then(function () {
        mp = new MercadoPago(config.public_key, { locale: locale });
        return mp.getIdentificationTypes();
      })
      .then(function (types) {
        var test = DOCUMENTS[config.site_id];
        types.forEach(function (type) {
          option(el('doc-type'), type.id, type.name);
        });
        if (test) {
          el('doc-type').value = test[0];
          el('doc-number').value = test[1];
        }
        el('outcome').addEventListener('change', function () {
          if (el('outcome').value === 'CHAL' && el('three-ds').value === 'not_supported') {
            el('three-ds').value = 'optional';
          }
        });
        el('card').addEventListener('change', refreshCard);
        el('amount').addEventListener('change', refreshCard);
        el('checkout').addEventListener('submit', pay);
        return refreshCard();
      });
  }

  service(
    'GET',
    '/config' + (credentialId ? '?credential_id=' + encodeURIComponent(credentialId) : ''),
  )
    .then(start)
    .catch(showError);
})();
