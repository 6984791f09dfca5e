using System.Buffers.Binary;
using System.Globalization;

namespace Loos.Edge.Modbus.Protocol;

/// <summary>
/// Encodes request PDUs and checks reply PDUs (function code + data, without unit id, MBAP header or CRC) per
/// MODBUS Application Protocol v1.1b3 §6. Requests are written into a caller's buffer; nothing is allocated.
/// </summary>
internal static class ModbusPdu
{
    /// <summary>The largest PDU: 256-byte serial ADU minus address and CRC (§4.1).</summary>
    public const int MaxLength = 253;

    /// <summary>Set on the function code of an exception reply (§7).</summary>
    public const byte ExceptionFlag = 0x80;

    public const byte ReadCoils = 1;
    public const byte ReadDiscreteInputs = 2;
    public const byte ReadHoldingRegisters = 3;
    public const byte ReadInputRegisters = 4;
    public const byte WriteSingleCoil = 5;
    public const byte WriteSingleRegister = 6;
    public const byte WriteMultipleCoils = 15;
    public const byte WriteMultipleRegisters = 16;
    public const byte ReadWriteMultipleRegisters = 23;

    public const int MaxReadBits = 2000; // §6.1, §6.2: 1 to 2000 (0x7D0)
    public const int MaxReadRegisters = 125; // §6.3, §6.4: 1 to 125 (0x7D)
    public const int MaxWriteCoils = 1968; // §6.11: 1 to 1968 (0x7B0)
    public const int MaxWriteRegisters = 123; // §6.12: 1 to 123 (0x7B)
    public const int MaxReadWriteWriteRegisters = 121; // §6.17: write quantity 1 to 121 (0x79)

    private const ushort CoilOn = 0xFF00; // §6.5: ON is FF 00, OFF is 00 00.

    /// <summary>Function 1, 2, 3 or 4: address and quantity (§6.1–6.4).</summary>
    public static int EncodeRead(Span<byte> pdu, byte function, ushort address, int quantity)
    {
        var max = function is ReadCoils or ReadDiscreteInputs ? MaxReadBits : MaxReadRegisters;
        CheckQuantity(quantity, max, address);
        pdu[0] = function;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], (ushort)quantity);
        return 5;
    }

    /// <summary>Function 5 (§6.5).</summary>
    public static int EncodeWriteSingleCoil(Span<byte> pdu, ushort address, bool value)
    {
        pdu[0] = WriteSingleCoil;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], value ? CoilOn : (ushort)0);
        return 5;
    }

    /// <summary>Function 6 (§6.6).</summary>
    public static int EncodeWriteSingleRegister(Span<byte> pdu, ushort address, ushort value)
    {
        pdu[0] = WriteSingleRegister;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], value);
        return 5;
    }

    /// <summary>Function 15: coils packed LSB first, first coil in the lowest bit of the first byte (§6.11).</summary>
    public static int EncodeWriteMultipleCoils(Span<byte> pdu, ushort address, ReadOnlySpan<bool> values)
    {
        CheckQuantity(values.Length, MaxWriteCoils, address);
        var byteCount = (values.Length + 7) / 8;
        pdu[0] = WriteMultipleCoils;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], (ushort)values.Length);
        pdu[5] = (byte)byteCount;
        PackBits(values, pdu.Slice(6, byteCount));
        return 6 + byteCount;
    }

    /// <summary>Function 16 (§6.12).</summary>
    public static int EncodeWriteMultipleRegisters(Span<byte> pdu, ushort address, ReadOnlySpan<ushort> values)
    {
        CheckQuantity(values.Length, MaxWriteRegisters, address);
        pdu[0] = WriteMultipleRegisters;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], (ushort)values.Length);
        pdu[5] = (byte)(values.Length * 2);
        WriteWords(values, pdu[6..]);
        return 6 + (values.Length * 2);
    }

    /// <summary>Function 23: read address and quantity, then write address, quantity, byte count and values (§6.17).</summary>
    public static int EncodeReadWriteMultipleRegisters(Span<byte> pdu, ushort readAddress, int readQuantity, ushort writeAddress, ReadOnlySpan<ushort> values)
    {
        CheckQuantity(readQuantity, MaxReadRegisters, readAddress);
        CheckQuantity(values.Length, MaxReadWriteWriteRegisters, writeAddress);
        pdu[0] = ReadWriteMultipleRegisters;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], readAddress);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], (ushort)readQuantity);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[5..], writeAddress);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[7..], (ushort)values.Length);
        pdu[9] = (byte)(values.Length * 2);
        WriteWords(values, pdu[10..]);
        return 10 + (values.Length * 2);
    }

    /// <summary>
    /// The length of a reply PDU from its first two bytes (function code, byte count), or 0 when more bytes are needed,
    /// or -1 when <paramref name="function"/> is not one this master sends. Serial framing needs it to find a frame's end.
    /// </summary>
    public static int ReplyLength(byte function, int byteCountOrMinusOne)
    {
        if ((function & ExceptionFlag) != 0)
        {
            return IsSupported((byte)(function & ~ExceptionFlag)) ? 2 : -1; // §7: function | 0x80, exception code.
        }

        return function switch
        {
            ReadCoils or ReadDiscreteInputs or ReadHoldingRegisters or ReadInputRegisters or ReadWriteMultipleRegisters =>
                byteCountOrMinusOne < 0 ? 0 : 2 + byteCountOrMinusOne, // function, byte count, data.
            WriteSingleCoil or WriteSingleRegister or WriteMultipleCoils or WriteMultipleRegisters => 5, // function, address, value or quantity.
            _ => -1,
        };
    }

    /// <summary>
    /// Checks a reply PDU against the request PDU it answers: an exception reply becomes
    /// <see cref="ModbusOutcomeKind.DeviceException"/>; a wrong function, byte count, length or echo becomes
    /// <see cref="ModbusOutcomeKind.InvalidReply"/> with the reason.
    /// </summary>
    public static ModbusOutcome CheckReply(ReadOnlySpan<byte> request, ReadOnlySpan<byte> reply)
    {
        if (reply.Length == 0)
        {
            return Invalid("empty reply");
        }

        var function = request[0];
        if (reply[0] == (function | ExceptionFlag))
        {
            return reply.Length == 2
                ? new ModbusOutcome(ModbusOutcomeKind.DeviceException, reply[1], $"function {function}")
                : Invalid($"exception reply of {reply.Length} bytes, expected 2");
        }

        if (reply[0] != function)
        {
            return Invalid($"function {reply[0]} in reply to function {function}");
        }

        switch (function)
        {
            case ReadCoils or ReadDiscreteInputs:
                return CheckByteCount(reply, (BinaryPrimitives.ReadUInt16BigEndian(request[3..]) + 7) / 8);
            case ReadHoldingRegisters or ReadInputRegisters:
                return CheckByteCount(reply, BinaryPrimitives.ReadUInt16BigEndian(request[3..]) * 2);
            case ReadWriteMultipleRegisters:
                return CheckByteCount(reply, BinaryPrimitives.ReadUInt16BigEndian(request[3..]) * 2);
            case WriteSingleCoil or WriteSingleRegister:
                // §6.5, §6.6: the normal reply is an echo of the request.
                return reply.SequenceEqual(request[..5]) ? ModbusOutcome.Success : Invalid($"echo {Convert.ToHexString(reply)} differs from request {Convert.ToHexString(request[..5])}");
            case WriteMultipleCoils or WriteMultipleRegisters:
                // §6.11, §6.12: the reply repeats the starting address and quantity.
                return reply.Length == 5 && reply[1..5].SequenceEqual(request[1..5])
                    ? ModbusOutcome.Success
                    : Invalid($"reply {Convert.ToHexString(reply)} does not repeat address and quantity {Convert.ToHexString(request[1..5])}");
            default:
                return Invalid($"function {function} not supported");
        }
    }

    /// <summary>Copies the registers of a checked read reply (function 3, 4 or 23) into <paramref name="destination"/>.</summary>
    public static void CopyRegisters(ReadOnlySpan<byte> reply, Span<ushort> destination)
    {
        var data = reply[2..];
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadUInt16BigEndian(data[(i * 2)..]);
        }
    }

    /// <summary>Unpacks the bits of a checked read reply (function 1 or 2), LSB of the first byte first (§6.1).</summary>
    public static void CopyBits(ReadOnlySpan<byte> reply, Span<bool> destination)
    {
        var data = reply[2..];
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (data[i / 8] & (1 << (i % 8))) != 0;
        }
    }

    private static bool IsSupported(byte function) => function is ReadCoils or ReadDiscreteInputs or ReadHoldingRegisters or ReadInputRegisters
        or WriteSingleCoil or WriteSingleRegister or WriteMultipleCoils or WriteMultipleRegisters or ReadWriteMultipleRegisters;

    private static ModbusOutcome CheckByteCount(ReadOnlySpan<byte> reply, int expectedByteCount)
    {
        if (reply.Length < 2 || reply[1] != expectedByteCount)
        {
            return Invalid($"byte count {(reply.Length < 2 ? "missing" : reply[1].ToString(CultureInfo.InvariantCulture))}, expected {expectedByteCount}");
        }

        return reply.Length == 2 + expectedByteCount ? ModbusOutcome.Success : Invalid($"reply of {reply.Length} bytes, expected {2 + expectedByteCount}");
    }

    private static ModbusOutcome Invalid(string reason) => new(ModbusOutcomeKind.InvalidReply, Detail: reason);

    private static void CheckQuantity(int quantity, int max, ushort address)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantity, max);

        // §4.4: addresses are 0 to 65535; a request may not run past the last one.
        if (address + quantity > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(quantity), quantity, $"address {address} + quantity {quantity} runs past 65535.");
        }
    }

    private static void WriteWords(ReadOnlySpan<ushort> values, Span<byte> destination)
    {
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(i * 2)..], values[i]);
        }
    }

    private static void PackBits(ReadOnlySpan<bool> values, Span<byte> destination)
    {
        destination.Clear();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i])
            {
                destination[i / 8] |= (byte)(1 << (i % 8));
            }
        }
    }
}
