namespace Loos.Edge.Modbus;

/// <summary>How a Modbus request ended.</summary>
public enum ModbusOutcomeKind : byte
{
    /// <summary>A valid reply.</summary>
    Success = 0,

    /// <summary>The device answered with an exception reply; see <see cref="ModbusOutcome.ExceptionCode"/>.</summary>
    DeviceException,

    /// <summary>No (complete) reply within the response timeout.</summary>
    Timeout,

    /// <summary>A reply arrived but was not valid: bad CRC, wrong unit, function or length, garbage.</summary>
    InvalidReply,

    /// <summary>The connection could not be opened or was closed during the request.</summary>
    ConnectionFailed,
}

/// <summary>The result of one request: success, or a failure a technician can read.</summary>
/// <param name="Kind">How the request ended.</param>
/// <param name="ExceptionCode">The Modbus exception code (MODBUS Application Protocol v1.1b3 §7), when <paramref name="Kind"/> is <see cref="ModbusOutcomeKind.DeviceException"/>.</param>
/// <param name="Detail">What went wrong, for logs and the CLI; null on success.</param>
public readonly record struct ModbusOutcome(ModbusOutcomeKind Kind, byte ExceptionCode = 0, string? Detail = null)
{
    public static ModbusOutcome Success { get; } = new(ModbusOutcomeKind.Success);

    public bool IsSuccess => Kind == ModbusOutcomeKind.Success;

    /// <summary>The meaning of <see cref="ExceptionCode"/> per MODBUS Application Protocol v1.1b3 §7.</summary>
    public static string DescribeException(byte code) => code switch
    {
        1 => "illegal function",
        2 => "illegal data address",
        3 => "illegal data value",
        4 => "server device failure",
        5 => "acknowledge (request accepted, still processing)",
        6 => "server device busy",
        8 => "memory parity error",
        10 => "gateway path unavailable",
        11 => "gateway target device failed to respond",
        _ => "unknown exception code",
    };

    public override string ToString() => Kind switch
    {
        ModbusOutcomeKind.Success => "success",
        ModbusOutcomeKind.DeviceException => $"exception {ExceptionCode} ({DescribeException(ExceptionCode)}){(Detail is null ? string.Empty : ": " + Detail)}",
        _ => Detail is null ? Kind.ToString() : $"{Kind}: {Detail}",
    };
}
