// The /support page's script (docs/installers.md "Downloads"): a file of this origin, not inline, so the
// server's Content-Security-Policy (script-src 'self', src/Server/Hosting/SecurityHeaders.cs) lets it run.
(() => {
  const form = document.getElementById('form');
  const input = document.getElementById('code');
  const message = document.getElementById('message');
  const result = document.getElementById('result');
  const isWindows = /Windows/i.test(navigator.userAgent);
  const builds = {
    'win-x64': { os: 'Windows', name: c => `GuruConnect-${c}.exe`,
      instruction: c => `When the download finishes, open GuruConnect-${c}.exe. Your technician sees your screen once it says it is connected; close it to end the session.` },
    'linux-x64': { os: 'Linux', name: c => `guruconnect-support-${c}`,
      instruction: c => `When the download finishes, run: chmod +x ~/Downloads/guruconnect-support-${c} && ~/Downloads/guruconnect-support-${c}` },
  };
  const say = (text, error) => { message.textContent = text; message.className = error ? 'error' : ''; };
  const show = (code, platform) => {
    const build = builds[platform];
    const other = platform === 'win-x64' ? 'linux-x64' : 'win-x64';
    const link = document.getElementById('download');
    link.href = `/download/support/${code}?platform=${platform}`;
    link.setAttribute('download', build.name(code));
    link.textContent = `Download for ${build.os}`;
    document.getElementById('instruction').textContent = build.instruction(code);
    const otherHint = document.getElementById('other');
    otherHint.textContent = '';
    const otherLink = document.createElement('a');
    otherLink.href = '#';
    otherLink.textContent = `Not on ${build.os}? Get the ${builds[other].os} version.`;
    otherLink.addEventListener('click', e => { e.preventDefault(); show(code, other); });
    otherHint.append(otherLink);
    result.hidden = false;
  };
  form.addEventListener('submit', async e => {
    e.preventDefault();
    result.hidden = true;
    const code = input.value.replace(/\s+/g, '');
    if (!/^[0-9]{6}$/.test(code)) { say('A support code is 6 digits, for example 123456.', true); return; }
    say('Checking…');
    let response;
    try { response = await fetch(`/api/codes/${code}/validate`, { cache: 'no-store' }); }
    catch { say('The server cannot be reached. Check your internet connection and try again.', true); return; }
    if (response.ok) { say('Code accepted.'); show(code, isWindows ? 'win-x64' : 'linux-x64'); return; }
    if (response.status === 429) {
      const seconds = parseInt(response.headers.get('Retry-After') || '900', 10);
      const minutes = Math.max(1, Math.ceil(seconds / 60));
      say(`Too many wrong codes from this network. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask your technician to read the code again.`, true);
      return;
    }
    if (response.status === 404) { say('That code is not valid. It may have expired (codes last 30 minutes) or been used already. Ask your technician for a new one.', true); return; }
    say(`Something went wrong (${response.status}). Try again in a moment.`, true);
  });
})();
