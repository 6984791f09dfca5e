using Loos.Edge.Core;

namespace Loos.Edge.MBus.Polling;

/// <summary>Checks the <c>mbus</c> section, reporting every problem with its key path.</summary>
public static class MBusOptionsValidator
{

    /// <summary>
    /// Every problem in <paramref name="options"/>, each starting with its key path, for example
    /// <c>mbus:lines:0:meters:1:address: 251 is not a primary address (0-250, 254)</c>; empty when valid.
    /// </summary>
    public static ConfigurationProblems Check(MBusOptions options) => ConfigurationProblems.Of(problems => MBusPlanner.Plan(options, problems));
}
