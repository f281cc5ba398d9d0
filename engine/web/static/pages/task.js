/* The task page: the task's Camunda Form in the form-js viewer (served locally), with Chinese
 * validation messages, server-side field errors shown next to the fields, drafts, and evidence
 * upload with a progress bar. No framework; works under the pages' strict CSP (no inline script). */
(function () {
  'use strict';

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var text = read('page-text') || {};

  function fill(message, values) {
    return String(message).replace('{n}', values[0]).replace('{a}', values[0]).replace('{b}', values[1]);
  }

  /* form-js 1.x has English validation messages only: translate them where they are made. */
  var MESSAGES = [
    [/^Field is required\.$/, 'required'],
    [/^Field must have minimum value of (.+)\.$/, 'min'],
    [/^Field must have maximum value of (.+)\.$/, 'max'],
    [/^Field must have minimum length of (.+)\.$/, 'minLength'],
    [/^Field must have maximum length of (.+)\.$/, 'maxLength'],
    [/^Field must match pattern /, 'pattern'],
    [/^Value is not a number\.$/, 'number'],
    [/^Value is expected to be an integer\.$/, 'integer'],
    [/^Value is expected to have at most (\d+) decimal digit/, 'decimals'],
    [/^Please select a valid value, the two nearest valid values are (.+) and (.+)\.$/, 'increment'],
    [/^Field must be a valid +international phone number/, 'phone'],
    [/^Field must be a valid email\.$/, 'email'],
    [/^(Min|Max) validation value is not a valid number\.$/, 'badLimit']
  ];

  function translate(message) {
    for (var i = 0; i < MESSAGES.length; i++) {
      var match = String(message).match(MESSAGES[i][0]);
      if (match && text[MESSAGES[i][1]]) {
        return fill(text[MESSAGES[i][1]], match.slice(1));
      }
    }
    return message;
  }

  /* form-js renders a few English words of its own (placeholders): replace them in the DOM. */
  var WORDS = { 'Select': 'select', 'Search': 'search', 'No options': 'noOptions' };
  function localiseWords(host) {
    host.querySelectorAll('[placeholder]').forEach(function (node) {
      var key = WORDS[node.getAttribute('placeholder')];
      if (key && text[key]) { node.setAttribute('placeholder', text[key]); }
    });
    host.querySelectorAll('.fjs-select-display, .fjs-taglist-dropdown-item, .fjs-dropdownlist-empty').forEach(function (node) {
      var key = WORDS[node.textContent.trim()];
      if (key && text[key] && node.children.length === 0) { node.textContent = text[key]; }
    });
  }

  function keyToId(components, found) {
    (components || []).forEach(function (c) {
      if (c.key) { found[c.key] = c.id; }
      keyToId(c.components, found);
    });
    return found;
  }

  function normaliseFields(fields) {
    var out = {};
    var zh = document.documentElement.lang !== 'en';
    function message(v) {
      if (typeof v === 'string') { return v; }
      if (Array.isArray(v)) { return v.map(message).join('；'); }
      if (v && typeof v === 'object') {
        var z = v.zh || v.message_zh || v.message || '';
        return zh ? z : (v.en || v.message_en || z);
      }
      return String(v);
    }
    if (Array.isArray(fields)) {
      fields.forEach(function (f) { out[f.key || f.field || f.path] = message(f); });
    } else if (fields && typeof fields === 'object') {
      Object.keys(fields).forEach(function (k) { out[k] = message(fields[k]); });
    }
    return out;
  }

  function setupForm() {
    var root = document.getElementById('task-form-root');
    if (!root || !window.FormViewer) { return; }
    var schema = read('form-schema');
    var data = read('form-data') || {};
    var ids = keyToId(schema.components, {});
    var problem = document.getElementById('form-problem');
    var host = root.querySelector('.form-host');
    var form = new window.FormViewer.Form({ container: host });
    var validator = form.get('validator');
    var validate = validator.validateFieldInstance.bind(validator);
    validator.validateFieldInstance = function (instance, value) {
      return validate(instance, value).map(translate);
    };
    new MutationObserver(function () { localiseWords(host); }).observe(host, { childList: true, subtree: true });

    function showProblem(message) {
      problem.textContent = message || '';
      problem.hidden = !message;
    }

    function showFieldErrors(byKey) {
      var errors = {};
      Object.keys(byKey).forEach(function (key) {
        errors[ids[key] || key] = [byKey[key]];
      });
      form._setState({ errors: errors });   /* form-js renders state errors under each field */
      var first = host.querySelector('.fjs-has-errors input, .fjs-has-errors textarea, .fjs-has-errors select');
      if (first) { first.focus(); }
    }

    function post(variables) {
      showProblem(text.sending);
      fetch(root.dataset.completeUrl, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRFToken': root.dataset.csrf },
        body: JSON.stringify({ variables: variables })
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (result.ok) { window.location.assign(result.body.redirect); return; }
        var fields = normaliseFields(result.body.details && result.body.details.fields);
        showProblem(result.body.detail || text.failed);
        showFieldErrors(fields);
      }).catch(function () { showProblem(text.offline); });
    }

    form.on('submit', function (event) {
      if (Object.keys(event.errors || {}).length) { showProblem(text.fixErrors); return; }
      post(event.data);
    });
    document.getElementById('submit-form').addEventListener('click', function () { form.submit(); });

    form.importSchema(schema, data).then(function () {
      localiseWords(host);
      var serverErrors = read('form-errors-data') || {};
      if (Object.keys(serverErrors).length) { showFieldErrors(serverErrors); }
      setupDraft(root, form, schema, data);
    });
    window.sanxiangForm = form;   /* for the browser tests and the curious */
  }

  function setupDraft(root, form, schema, data) {
    var url = root.dataset.draftUrl;
    var button = document.getElementById('save-draft');
    var status = document.getElementById('draft-status');
    if (!url || !button) { return; }
    var headers = { 'Accept': 'application/json', 'X-CSRFToken': root.dataset.csrf };
    fetch(url, { credentials: 'same-origin', headers: headers }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (draft) {
      var saved = draft && (draft.variables || draft.data);
      if (saved && Object.keys(saved).length) {
        form.importSchema(schema, Object.assign({}, data, saved));
        status.textContent = text.draftLoaded;
      }
    }).catch(function () {});
    button.addEventListener('click', function () {
      fetch(url, {
        method: 'PUT', credentials: 'same-origin',
        headers: Object.assign({ 'Content-Type': 'application/json' }, headers),
        body: JSON.stringify({ data: form._getState().data })   /* PUT /api/v1/tasks/<id>/draft */
      }).then(function (r) {
        status.textContent = r.ok ? fill(text.draftSaved, [new Date().toLocaleTimeString()]) : text.draftFailed;
      }).catch(function () { status.textContent = text.draftFailed; });
    });
  }

  function upload(zone, file) {
    var row = document.createElement('div');
    row.className = 'upload';
    var label = document.createElement('span');
    label.textContent = fill(text.uploading, [file.name]);
    var bar = document.createElement('progress');
    bar.max = 100; bar.value = 0;
    bar.setAttribute('aria-label', file.name);
    row.appendChild(label); row.appendChild(bar);
    document.getElementById('uploads').appendChild(row);
    var covers = document.getElementById('covers-whole');
    var xhr = new XMLHttpRequest();
    xhr.open('POST', zone.dataset.url);
    /* the raw file as the body: the browser streams it from disk and the server to disk (large video) */
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name));
    xhr.setRequestHeader('X-Task-Id', zone.dataset.task);
    if (covers && covers.checked) { xhr.setRequestHeader('X-Covers-Whole', 'true'); }
    xhr.setRequestHeader('X-CSRFToken', zone.dataset.csrf);
    xhr.setRequestHeader('Accept', 'application/json');
    var events = 0;
    xhr.upload.addEventListener('progress', function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      row.dataset.progressEvents = String(++events);
    });
    xhr.addEventListener('load', function () {
      var ok = xhr.status >= 200 && xhr.status < 300;
      var detail = '';
      try { detail = JSON.parse(xhr.responseText).detail || ''; } catch (err) { detail = xhr.statusText; }
      bar.value = ok ? 100 : bar.value;
      row.className = ok ? 'upload done' : 'upload failed';
      label.textContent = ok ? fill(text.uploaded, [file.name]) : fill(text.uploadFailed, [file.name, detail]);
      if (ok) { addEvidence(file); }
    });
    xhr.addEventListener('error', function () {
      row.className = 'upload failed';
      label.textContent = fill(text.uploadFailed, [file.name, text.offline]);
    });
    xhr.send(file);
  }

  function addEvidence(file) {
    var list = document.getElementById('evidence-list');
    var empty = document.getElementById('no-evidence');
    if (empty) { empty.remove(); }
    var item = document.createElement('li');
    item.textContent = file.name + ' · ' + (file.size / 1048576).toFixed(1) + ' MB';
    list.appendChild(item);
  }

  function setupUpload() {
    var zone = document.getElementById('dropzone');
    if (!zone) { return; }
    var input = document.getElementById('evidence-file');
    function take(files) { Array.prototype.forEach.call(files, function (f) { upload(zone, f); }); }
    ['dragenter', 'dragover'].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add('over'); });
    });
    ['dragleave', 'drop'].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.remove('over'); });
    });
    zone.addEventListener('drop', function (e) { take(e.dataTransfer.files); });
    input.addEventListener('change', function () { take(input.files); input.value = ''; });
  }

  setupForm();
  setupUpload();
}());
