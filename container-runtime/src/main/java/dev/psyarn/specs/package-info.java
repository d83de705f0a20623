/** Reading declarative specs with errors that name the field path, what was wrong and what is allowed. */
package dev.psyarn.specs;
