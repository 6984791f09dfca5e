namespace Loos.Edge.Verbs.Modbus;

/// <summary>
/// <c>loos-edge modbus read|scan</c>: read registers or bits from one device, or find which unit ids answer on a line.
/// Exit codes: 0 success, 1 the device or the line failed (one line on standard error), 2 bad arguments.
/// </summary>
public static class ModbusCommand
{
    /// <summary>The <c>modbus</c> command with its <c>read</c> and <c>scan</c> subcommands.</summary>
    public static Command Create() => new("modbus", "Modbus tools for commissioning: read a device, scan a line.") { new ModbusReadVerb().Command, new ModbusScanVerb().Command };
}
