namespace Loos.Edge.Aggregation.Heating;

/// <summary>The tariff, the climate and the target a home's heating is measured against.</summary>
public sealed class HeatingParameters
{
    /// <summary>The zone of the site's local days; Europe/Paris by default.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    /// <summary>The energy price, € per kWh.</summary>
    public double TariffEurPerKwh { get; init; }

    /// <summary>The fixed annual part of the heating bill (subscription, meter rental), € per year.</summary>
    public double FixedEurPerYear { get; init; }

    /// <summary>The heating degree-days of a normal climate year at the site (base 18 °C).</summary>
    public double DjuNormal { get; init; }

    /// <summary>The yearly heating cost the homes were built for; 150 € by default.</summary>
    public double TargetEur { get; init; } = 150;

    /// <summary>The first day of the heating year (month and day); 1 July by default, so that a winter falls inside one year.</summary>
    public (int Month, int Day) YearStart { get; init; } = (7, 1);

    /// <summary>The base temperature of the degree-days; 18 °C (the French DJU convention).</summary>
    public double BaseTemperatureCelsius { get; init; } = 18;

    /// <summary>Below this many measured days the projection falls back to the degree-day ratio; 14.</summary>
    public int MinimumMeasuredDays { get; init; } = 14;

    /// <summary>How far above the target a projection is "at risk" rather than "over"; 10 %.</summary>
    public double AtRiskMargin { get; init; } = 0.10;
}
