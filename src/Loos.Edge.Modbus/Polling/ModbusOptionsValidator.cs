using Loos.Edge.Core;

namespace Loos.Edge.Modbus.Polling;

/// <summary>Checks the <c>modbus</c> section (and the device profiles it names), reporting every problem with its key path.</summary>
public static class ModbusOptionsValidator
{

    /// <summary>
    /// Every problem in <paramref name="options"/>, each starting with its key path, for example
    /// <c>modbus:buses:0:devices:1:points:3:type 'f16' is not one of u16, i16, …</c>; empty when valid.
    /// </summary>
    public static ConfigurationProblems Check(ModbusOptions options) => ConfigurationProblems.Of(problems => ModbusPlanner.Plan(options, problems));
}
