using System.Globalization;

namespace Loos.Edge.Modbus.Points;

/// <summary>The spellings of point types, word orders and tables in site files, profiles and the CLI.</summary>
public static class PointTypeNames
{
    /// <summary>The accepted type names, for messages.</summary>
    public const string TypeList = "u16, i16, u32, i32, u64, i64, f32, f64, string(N), bit";

    /// <summary>The accepted word orders, for messages.</summary>
    public const string OrderList = "ABCD, CDAB, BADC, DCBA";

    /// <summary>The accepted table names, for messages.</summary>
    public const string TableList = "holding, input, coil, discrete-input";

    /// <summary>
    /// Parses <c>u16</c>, <c>f32</c>, … or <c>string(N)</c> (N registers, 1–125), case-insensitive;
    /// <paramref name="stringLengthRegisters"/> is N for strings, else 0.
    /// </summary>
    public static bool TryParseType(string? text, out PointType type, out int stringLengthRegisters)
    {
        stringLengthRegisters = 0;
        type = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.StartsWith("string(", StringComparison.OrdinalIgnoreCase) && trimmed.EndsWith(')'))
        {
            // 125 registers is the most one read can return (MODBUS Application Protocol v1.1b3 §6.3).
            if (int.TryParse(trimmed.AsSpan(7, trimmed.Length - 8), NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length is >= 1 and <= 125)
            {
                type = PointType.String;
                stringLengthRegisters = length;
                return true;
            }

            return false;
        }

        type = trimmed.ToLowerInvariant() switch
        {
            "u16" => PointType.U16,
            "i16" => PointType.I16,
            "u32" => PointType.U32,
            "i32" => PointType.I32,
            "u64" => PointType.U64,
            "i64" => PointType.I64,
            "f32" => PointType.F32,
            "f64" => PointType.F64,
            "bit" => PointType.Bit,
            _ => (PointType)255,
        };
        if (type == (PointType)255)
        {
            type = default;
            return false;
        }

        return true;
    }

    /// <summary>Parses ABCD, CDAB, BADC or DCBA, case-insensitive.</summary>
    public static bool TryParseOrder(string? text, out WordOrder order) =>
        Enum.TryParse(text?.Trim(), ignoreCase: true, out order) && Enum.IsDefined(order) && !int.TryParse(text, out _);

    /// <summary>Parses <c>holding</c>, <c>input</c>, <c>coil</c> or <c>discrete-input</c> (plurals accepted), case-insensitive.</summary>
    public static bool TryParseTable(string? text, out PointTable table)
    {
        table = (text?.Trim().ToLowerInvariant()) switch
        {
            "holding" or "holding-register" or "holding-registers" => PointTable.HoldingRegisters,
            "input" or "input-register" or "input-registers" => PointTable.InputRegisters,
            "coil" or "coils" => PointTable.Coils,
            "discrete-input" or "discrete-inputs" => PointTable.DiscreteInputs,
            _ => (PointTable)255,
        };
        if (table == (PointTable)255)
        {
            table = default;
            return false;
        }

        return true;
    }

    /// <summary>The site-file spelling of <paramref name="type"/>: <c>f32</c>, <c>string(8)</c>.</summary>
    public static string Format(PointType type, int stringLengthRegisters = 0) =>
        type == PointType.String ? $"string({stringLengthRegisters})" : type.ToString().ToLowerInvariant();
}
