"""A Modbus device for tests: Debian's pymodbus 3.0 serving a register image, with switchable faults.

Usage: pymodbus_device.py --image IMAGE.json --control CONTROL.json --ready READY_FILE
                          (--tcp PORT [--rtu-framing] | --rtu DEVICE [--baud 9600 --parity E --stop 1])

IMAGE.json: {"units": {"1": {"registers": {"40000": [21365, 28243, ...]}, "coils": {"0": [1, 0]},
             "discrete_inputs": {"0": [1]}}}}; each key is the start address of a run of values. The
             registers serve both the holding and the input registers.
CONTROL.json (re-read whenever it is replaced): {"generation": 3, "silent_units": [7],
             "exceptions": [{"unit": null, "start": 100, "end": 109, "code": 2}],
             "delays": [{"unit": null, "start": 200, "end": 200, "delay_ms": 1500, "count": 1}],
             "close_mid_reply": 1, "bad_crc": 1, "half_frame": 1,
             "garbage_before_reply_hex": "a5ff00", "garbage_count": 1}
             Counts are the number of replies the fault applies to from that generation on; -1 is always.
"""

import argparse
import asyncio
import json
import logging
import os
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.framer.rtu_framer import ModbusRtuFramer
from pymodbus.framer.socket_framer import ModbusSocketFramer
from pymodbus.server.async_io import (
    ModbusConnectedRequestHandler,
    ModbusSerialServer,
    ModbusSingleRequestHandler,
    ModbusTcpServer,
)

log = logging.getLogger("pymodbus_device")
ADDRESS_SPACE = 65536  # Modbus addresses are 16 bits (MODBUS Application Protocol v1.1b3 §4.4)


class Control:
    """The faults in force, re-read when the control file is replaced."""

    def __init__(self, path):
        self.path = path
        self.stamp = None
        self.state = {}

    def current(self):
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return self.state
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        if stamp != self.stamp:
            self.stamp = stamp
            with open(self.path, encoding="utf-8") as handle:
                self.state = json.load(handle)
            log.info("faults now %s", self.state)
        return self.state

    def take(self, key):
        """True when the counted fault `key` applies to this reply (and uses one of its count)."""
        state = self.current()
        count = state.get(key, 0)
        if count == 0:
            return False
        if count > 0:
            state[key] = count - 1
        return True


def request_range(request):
    address = getattr(request, "address", None)
    if address is None:
        address = getattr(request, "read_address", None)
    if address is None:
        return None
    count = getattr(request, "count", None) or getattr(request, "read_count", None) or 1
    return address, address + count - 1


def matches(rule, unit, span):
    if rule.get("unit") is not None and rule["unit"] != unit:
        return False
    if span is None:
        return False
    return span[0] <= rule["end"] and rule["start"] <= span[1]


def make_handler(base, control, rtu_framing):
    class FaultyHandler(base):
        def execute(self, request, *addr):
            state = control.current()
            unit = request.unit_id
            if unit in state.get("silent_units", []):
                log.info("unit %s is silent", unit)
                return
            span = request_range(request)
            for rule in state.get("exceptions", []):
                if matches(rule, unit, span):
                    response = request.doException(rule["code"])
                    response.transaction_id = request.transaction_id
                    response.unit_id = unit
                    self.send(response, *addr)
                    return
            for rule in state.get("delays", []):
                if matches(rule, unit, span) and rule.get("count", -1) != 0:
                    if rule.get("count", -1) > 0:
                        rule["count"] -= 1
                    log.info("delaying reply to unit %s %s by %s ms", unit, span, rule["delay_ms"])
                    asyncio.get_running_loop().call_later(
                        rule["delay_ms"] / 1000.0, lambda: base.execute(self, request, *addr))
                    return
            base.execute(self, request, *addr)

        def _send_(self, data, *rest):
            if self.transport is None:
                return
            if control.take("garbage_count"):
                garbage = bytes.fromhex(control.current().get("garbage_before_reply_hex", "a5"))
                log.info("garbage before reply: %s", garbage.hex())
                self.transport.write(garbage)
            if control.take("close_mid_reply"):
                log.info("closing mid-reply after %d bytes", len(data) // 2)
                self.transport.write(data[: len(data) // 2])
                self.transport.close()
                return
            if control.take("half_frame"):
                log.info("half frame: %d of %d bytes", len(data) // 2, len(data))
                self.transport.write(data[: len(data) // 2])
                return
            if rtu_framing and control.take("bad_crc"):
                log.info("bad crc")
                data = data[:-1] + bytes([data[-1] ^ 0x5A])
            self.transport.write(data)

    return FaultyHandler


def load_image(path):
    with open(path, encoding="utf-8") as handle:
        image = json.load(handle)
    slaves = {}
    for unit_text, tables in image["units"].items():
        blocks = {}
        for table in ("registers", "coils", "discrete_inputs"):
            values = [0] * ADDRESS_SPACE
            for start_text, run in tables.get(table, {}).items():
                start = int(start_text)
                values[start : start + len(run)] = [int(v) for v in run]
            blocks[table] = values
        # zero_mode: protocol address N is element N, with no +1 shift (pymodbus' default shifts).
        slaves[int(unit_text)] = ModbusSlaveContext(
            hr=ModbusSequentialDataBlock(0, blocks["registers"]),
            ir=ModbusSequentialDataBlock(0, list(blocks["registers"])),
            co=ModbusSequentialDataBlock(0, blocks["coils"]),
            di=ModbusSequentialDataBlock(0, blocks["discrete_inputs"]),
            zero_mode=True,
        )
    return ModbusServerContext(slaves=slaves, single=False)


def pty_safe_parity(device, baud, parity, stop):
    """The parity to open `device` with: Linux pseudo-terminals refuse PARENB, and carry no parity bit anyway."""
    import serial  # pylint: disable=import-outside-toplevel
    try:
        port = serial.Serial(device, baudrate=baud, parity=parity, stopbits=stop, bytesize=8)
        port.timeout = 0
        port.close()
        return parity
    except Exception as exc:  # pylint: disable=broad-except
        log.warning("parity %s refused on %s (%s): using N", parity, device, exc)
        return "N"


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--image", required=True)
    parser.add_argument("--control", required=True)
    parser.add_argument("--ready", required=True)
    parser.add_argument("--tcp", type=int)
    parser.add_argument("--rtu-framing", action="store_true")
    parser.add_argument("--rtu")
    parser.add_argument("--baud", type=int, default=9600)
    parser.add_argument("--parity", default="E")
    parser.add_argument("--stop", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(
        stream=sys.stdout, level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s", force=True)
    logging.getLogger("pymodbus").setLevel(logging.DEBUG if args.verbose else logging.WARNING)

    context = load_image(args.image)
    control = Control(args.control)
    control.current()
    if args.tcp is not None:
        framer = ModbusRtuFramer if args.rtu_framing else ModbusSocketFramer
        handler = make_handler(ModbusConnectedRequestHandler, control, args.rtu_framing)
        server = ModbusTcpServer(
            context, framer=framer, address=("127.0.0.1", args.tcp), handler=handler,
            ignore_missing_slaves=True, allow_reuse_address=True)
        task = asyncio.create_task(server.serve_forever())
        await server.serving
    else:
        handler = make_handler(ModbusSingleRequestHandler, control, True)
        parity = pty_safe_parity(args.rtu, args.baud, args.parity, args.stop)
        server = ModbusSerialServer(
            context, framer=ModbusRtuFramer, port=args.rtu, baudrate=args.baud, parity=parity,
            stopbits=args.stop, bytesize=8, handler=handler, ignore_missing_slaves=True)
        await server.start()
        if server.transport is None:
            raise SystemExit(f"could not open {args.rtu}")
        task = asyncio.create_task(server.serve_forever())
    with open(args.ready + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(str(os.getpid()))
    os.replace(args.ready + ".tmp", args.ready)
    log.info("serving %s", args.rtu or f"127.0.0.1:{args.tcp}")
    await task


if __name__ == "__main__":
    asyncio.run(main())
