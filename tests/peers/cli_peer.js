#!/usr/bin/env node
// cli_peer.js - particle-cli 3.40.0 as a real client of the virtual
// devices.  One CTest test per case: `node cli_peer.js CASE`.
//
// Each case starts bd-vrun with a scenario and runs particle (the npm
// package in $PEER_PREFIX) inside it with tests/peers/udevadm first on PATH
// (particle-cli lists serial ports through `udevadm info -e`), a fresh
// temporary HOME (no login, no config) and PARTICLE_DISABLE_UPDATE=1.
// Only local USB commands are used: they need no login.  Exit status 0 when
// every check of the case held; the reason otherwise.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const prefix = process.env.PEER_PREFIX;
const vrunExe = process.env.VDEV_RUN_EXE;
const peerDir = process.env.PEER_DIR || __dirname;
if (!prefix || !vrunExe) {
	console.error('cli_peer.js: set PEER_PREFIX and VDEV_RUN_EXE (CTest does)');
	process.exit(2);
}
const execa = require(path.join(prefix, 'node_modules', 'execa'));
const particle = path.join(prefix, 'node_modules', '.bin', 'particle');
const knownApps = path.join(prefix, 'node_modules', 'particle-cli', 'assets', 'knownApps');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'peer-cli-'));
const home = path.join(work, 'home');
const bin = path.join(work, 'bin');
fs.mkdirSync(home);
fs.mkdirSync(bin);
fs.copyFileSync(path.join(peerDir, 'udevadm'), path.join(bin, 'udevadm'));
fs.chmodSync(path.join(bin, 'udevadm'), 0o755);

// Runs `sh -c script` under bd-vrun; `P` in the script is particle.
async function vrun(scenario, script, dumps = []) {
	const args = ['--timeout', '150', '--scenario', scenario];
	for (const d of dumps) {
		args.push('--dump-flash', d);
	}
	args.push('--', 'sh', '-c', script);
	const r = await execa(vrunExe, args, {
		env: {
			HOME: home,
			PATH: `${bin}:${process.env.PATH}`,
			P: particle,
			PARTICLE_DISABLE_UPDATE: '1',
		},
		extendEnv: true,
		reject: false,
		all: true,
		timeout: 170000,
	});
	if (process.env.PEER_VERBOSE) {
		console.log(`--- ${scenario}: ${script}\n${r.all}`);
	}
	return r;
}

function check(cond, what, r) {
	if (!cond) {
		throw new Error(`${what}\n--- output (exit ${r ? r.exitCode : '?'}):\n${r ? r.all : ''}`);
	}
}

// Waits in the script until the device on port 1-1 has product id pid.
const waitPid = (pid) =>
	`for i in $(seq 100); do grep -q ${pid} /sys/bus/usb/devices/1-1/idProduct 2>/dev/null && break; sleep 0.05; done; echo "pid=$(cat /sys/bus/usb/devices/1-1/idProduct 2>/dev/null)"`;

const cases = {
	// `particle usb dfu`: request 50, then the CLI waits for the DFU device.
	async usb_dfu() {
		const r = await vrun('boron-normal-usb',
			`"$P" usb list --ids-only && "$P" usb dfu && ${waitPid('d00d')}`);
		check(r.exitCode === 0, 'usb dfu failed', r);
		check(r.all.includes('e00fce68b2f4a1c3d5e6f708'), 'usb list --ids-only lacks the device', r);
		check(r.all.includes('pid=d00d'), 'the device is not in DFU mode afterwards', r);
	},
	// Mode changes on a P2 (rtl872x quirk on OUT requests): safe mode,
	// listening on/off, DFU, and reset from DFU (DfuSe leave).
	async usb_modes() {
		const r = await vrun('p2-normal-usb',
			`set -e; "$P" usb safe-mode; ${waitPid('c020')}; sleep 1.5; ${waitPid('c020')}; ` +
			`"$P" usb start-listening; "$P" usb stop-listening; "$P" usb dfu; ${waitPid('d020')}; ` +
			`"$P" usb reset; sleep 0.3; ${waitPid('c020')}`);
		check(r.exitCode === 0, 'a usb mode command failed', r);
		check((r.all.match(/Done\./g) || []).length === 5, 'want 5 × "Done."', r);
		check(/pid=d020[\s\S]*pid=c020\s*$/.test(r.all), 'not DFU then normal again', r);
	},
	// `particle serial inspect`: request 90 through the serial port's device.
	async serial_inspect() {
		const r = await vrun('boron-normal', '"$P" serial inspect');
		check(r.exitCode === 0, 'serial inspect failed', r);
		check(r.all.includes('Device: e00fce68b2f4a1c3d5e6f708'), 'no Device line', r);
		check(r.all.includes('Platform: 13 - Boron'), 'no Platform line', r);
		const pass = (r.all.match(/PASS/g) || []).length;
		check(pass >= 16 && !r.all.includes('FAIL'), `want >= 16 PASS and no FAIL, got ${pass}`, r);
		check(r.all.includes('System part module #1 - version 5900'), 'no system part 5900', r);
	},
	// `particle identify`: serial number -> USB device -> 'P' 30; cellular on
	// Device OS >= 6: request 554; older needs listening mode (serial `i`).
	async identify() {
		let r = await vrun('boron-os6', '"$P" identify');
		check(r.exitCode === 0, 'identify (Boron, 6.2.0) failed', r);
		for (const line of ['Your device id is e00fce68b2f4a1c3d5e6f708', 'Your IMEI is 352753090',
			'Your ICCID is 8901410321', 'Your system firmware version is 6.2.0']) {
			check(r.all.includes(line), `missing "${line}"`, r);
		}
		r = await vrun('photon-normal', '"$P" identify');
		check(r.exitCode === 0 && r.all.includes('Your device id is 3a0028000447343233323032') &&
			r.all.includes('Your system firmware version is 2.3.1') && !r.all.includes('IMEI'),
		'identify (Photon) wrong', r);
		r = await vrun('boron-listening', '"$P" identify');
		check(r.exitCode === 0 && r.all.includes('Your IMEI is 352753090123456'),
			'identify (Boron, listening) wrong', r);
	},
	// A cellular device on Device OS < 6 needs the serial `i` command for
	// IMEI/ICCID, which only works in listening mode: the CLI says so.
	async identify_needs_listening() {
		const r = await vrun('boron-normal', '"$P" identify');
		check(r.exitCode !== 0 && r.all.includes('ensure the device is in listening mode'),
			'identify of a 5.9.0 Boron in normal mode should ask for listening mode', r);
	},
	// `particle serial mac`: requests 400 and 401.
	async serial_mac() {
		const r = await vrun('p2-normal-usb', '"$P" serial mac');
		check(r.exitCode === 0, 'serial mac failed', r);
		check(r.all.includes('Your device MAC address is 6c:0b:84:20:00:01'), 'wrong MAC', r);
		check(r.all.includes('Interface is Wifi'), 'wrong interface', r);
	},
	// `particle flash --local tinker`: to DFU by request 50, DfuSe write of
	// the CLI's own Tinker for Boron at its module address, leave.
	async flash_local() {
		const dir = path.join(knownApps, 'boron', 'tinker');
		const file = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.bin')));
		const image = fs.readFileSync(file);
		const start = image.readUInt32LE(0); // module prefix: start address
		const dump = path.join(work, 'dump.bin');
		const r = await vrun('boron-normal-usb', `"$P" flash --local tinker && ${waitPid('c00d')}`,
			[`0:0x${start.toString(16)}:${image.length + 16}:${dump}`]);
		check(r.exitCode === 0 && r.all.includes('Flash success!'), 'flash --local failed', r);
		check(r.all.includes('pid=c00d'), 'the device did not come back in normal mode', r);
		const got = fs.readFileSync(dump);
		check(got.subarray(0, image.length).equals(image), 'flash content differs from the file', r);
		check(got.subarray(image.length).every((b) => b === 0xff), 'bytes after the image written', r);
	},
};

(async () => {
	const name = process.argv[2];
	if (!cases[name]) {
		console.error(`usage: cli_peer.js ${Object.keys(cases).join('|')}`);
		process.exit(2);
	}
	try {
		await cases[name]();
		console.log(`peer_cli_${name}: ok`);
	} catch (err) {
		console.error(`peer_cli_${name}: ${err.message}`);
		process.exitCode = 1;
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
})();
