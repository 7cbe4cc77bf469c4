/*
 * The emulator's stand-in for MercadoPago.js v2 (the script Mercado Pago serves at
 * https://sdk.mercadopago.com/js/v2): the same global `MercadoPago` class and core methods, calling
 * this emulator with the public key, so a page written against the real SDK runs offline unchanged.
 * Only the core methods are here (no Bricks, no CardForm, no secure fields).
 */
(function () {
  'use strict';
  var script = document.currentScript;
  // The API is where this script came from: the emulator serves both.
  var apiBase = new URL(script ? script.src : location.href).origin;

  function call(publicKey, method, path, query, body) {
    var url = new URL(path, apiBase);
    url.searchParams.set('public_key', publicKey);
    Object.keys(query || {}).forEach(function (name) {
      if (query[name] !== undefined && query[name] !== null && query[name] !== '') {
        url.searchParams.set(name, String(query[name]));
      }
    });
    var init = { method: method, headers: {} };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (response) {
      return response.json().then(function (json) {
        // Like the real SDK, a refused call rejects with Mercado Pago's error body.
        if (!response.ok) throw json;
        return json;
      });
    });
  }

  function required(params, names) {
    names.forEach(function (name) {
      if (params[name] === undefined || params[name] === null || params[name] === '') {
        throw new Error('MercadoPago.js - ' + name + ' is required');
      }
    });
  }

  function MercadoPago(publicKey, options) {
    if (!(this instanceof MercadoPago)) throw new Error('MercadoPago must be called with new');
    if (!publicKey) throw new Error('MercadoPago.js - a public key is required');
    this.publicKey = publicKey;
    this.locale = (options && options.locale) || 'es-AR';
  }

  MercadoPago.prototype.getIdentificationTypes = function () {
    return call(this.publicKey, 'GET', '/v1/identification_types');
  };

  MercadoPago.prototype.getPaymentMethods = function (params) {
    params = params || {};
    required(params, ['bin']);
    return call(this.publicKey, 'GET', '/v1/payment_methods/search', {
      bins: params.bin,
      marketplace: 'NONE',
      status: 'active',
    });
  };

  MercadoPago.prototype.getIssuers = function (params) {
    params = params || {};
    required(params, ['paymentMethodId', 'bin']);
    return this.getPaymentMethods({ bin: params.bin }).then(function (found) {
      return found.results
        .filter(function (method) {
          return method.id === params.paymentMethodId && method.issuer;
        })
        .map(function (method) {
          return method.issuer;
        });
    });
  };

  MercadoPago.prototype.getInstallments = function (params) {
    params = params || {};
    required(params, ['amount', 'bin']);
    return call(this.publicKey, 'GET', '/v1/payment_methods/installments', {
      amount: params.amount,
      bin: params.bin,
      payment_type_id: params.paymentTypeId,
      processing_mode: params.processingMode,
    });
  };

  MercadoPago.prototype.createCardToken = function (params) {
    params = params || {};
    required(params, [
      'cardNumber',
      'cardholderName',
      'cardExpirationMonth',
      'cardExpirationYear',
      'securityCode',
    ]);
    var cardholder = { name: params.cardholderName };
    if (params.identificationType || params.identificationNumber) {
      cardholder.identification = {
        type: params.identificationType,
        number: params.identificationNumber,
      };
    }
    return call(this.publicKey, 'POST', '/v1/card_tokens', undefined, {
      card_number: String(params.cardNumber).replace(/\s+/g, ''),
      security_code: String(params.securityCode),
      expiration_month: Number(params.cardExpirationMonth),
      expiration_year: Number(params.cardExpirationYear),
      cardholder: cardholder,
    });
  };

  window.MercadoPago = MercadoPago;
})();
