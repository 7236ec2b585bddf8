// The crypto floor: the signature work one full passkey sign-in needs, in a tight loop
// with cached keys (node:crypto, the best case): one ES256 (P-256) verification, two
// RS256 (RSA-2048) signatures, and three HS256 HMACs (result token signed, track token
// signed, result token verified). Run it pinned to the server's CPU. Prints JSON.
import { createHmac, createPrivateKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const ms = Number(process.argv[2] ?? 2000);
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaKey = createPrivateKey(rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }));
const hmacKey = Buffer.alloc(32, 7);
// Realistic sizes: authenticatorData ‖ SHA-256(clientDataJSON), JWT signing inputs.
const signed = Buffer.alloc(37 + 32, 1);
const signature = sign('sha256', signed, ec.privateKey);
const idToken = Buffer.alloc(620, 0x61);
const accessToken = Buffer.alloc(560, 0x62);
const hsToken = Buffer.alloc(480, 0x63);

const ops = {
  es256Verify: () => {
    if (!verify('sha256', signed, ec.publicKey, signature)) throw new Error('bad signature');
  },
  rs256Sign: () => sign('sha256', idToken, rsaKey),
  hs256: () => createHmac('sha256', hmacKey).update(hsToken).digest(),
};
const signIn = () => {
  ops.es256Verify();
  ops.rs256Sign();
  sign('sha256', accessToken, rsaKey);
  ops.hs256();
  ops.hs256();
  ops.hs256();
};

/** Operations per CPU second (this loop's own CPU time, so a busy machine inflates it less). */
function rate(fn, budgetMs) {
  for (let i = 0; i < 50; i++) fn(); // warm-up
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
  }
  const cpu = process.cpuUsage(c0);
  return {
    perCpuSecond: n / ((cpu.user + cpu.system) / 1e6),
    perWallSecond: n / ((performance.now() - t0) / 1000),
  };
}

const usPerOp = {};
for (const [name, fn] of Object.entries(ops)) usPerOp[name] = 1e6 / rate(fn, ms / 4).perCpuSecond;
const { perCpuSecond, perWallSecond } = rate(signIn, ms);
console.log(
  JSON.stringify({
    signInsPerCpuSecond: perCpuSecond,
    signInsPerWallSecond: perWallSecond,
    usPerSignIn: 1e6 / perCpuSecond,
    usPerOp,
  }),
);
