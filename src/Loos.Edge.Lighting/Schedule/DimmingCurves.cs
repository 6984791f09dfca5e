namespace Loos.Edge.Lighting.Schedule;

/// <summary>
/// A level in % of light as the value a controller takes, and back. With DALI's logarithmic curve (IEC 62386-102,
/// 9.3: X(n) = 10^((n − 1) / (253/3) − 1) % for arc levels n = 1…254) the level stays % of light; only the number sent
/// differs, so planned energy is computed on the level itself.
/// </summary>
public static class DimmingCurves
{
    /// <summary>The highest DALI arc level, full light.</summary>
    public const int DaliMaximum = 254;

    private const double DaliStepsPerDecade = 253.0 / 3.0;

    /// <summary>The value sent for <paramref name="level"/>: the level itself (linear), or the DALI arc level (0 off, 50 % is 229, 100 % is 254).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The level is outside 0–100.</exception>
    public static int CommandValue(DimmingCurve curve, int level)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 100);
        if (curve == DimmingCurve.Linear || level == 0)
        {
            return level;
        }

        // n = 1 + (253/3)(log10 X + 1): 1 % is arc level 85, 100 % is 254 (arc level 1 is 0.1 %).
        return Math.Clamp((int)Math.Round(1 + (DaliStepsPerDecade * (Math.Log10(level) + 1)), MidpointRounding.AwayFromZero), 1, DaliMaximum);
    }

    /// <summary>
    /// The level, % of light, that a controller's reported <paramref name="value"/> stands for, rounded to the nearest
    /// whole % but never to 0 for a lamp that is on (DALI arc levels 1–26 are under 0.5 %).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0–100 (linear) or 0–254 (DALI).</exception>
    public static int Level(DimmingCurve curve, int value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, curve == DimmingCurve.Linear ? 100 : DaliMaximum);
        if (curve == DimmingCurve.Linear || value == 0)
        {
            return value;
        }

        return Math.Max(1, (int)Math.Round(Math.Pow(10, ((value - 1) / DaliStepsPerDecade) - 1), MidpointRounding.AwayFromZero));
    }
}
